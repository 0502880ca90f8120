package dev.triage.classifier.llm;

/**
 * The model server's last answers, when each came and whether it was a 429, in a ring of
 * {@code size}. Not thread-safe: its owner's lock guards it.
 */
final class RecentAnswers {

    private final long[] at;
    private final boolean[] rateLimited;
    private int next;
    private int count;

    RecentAnswers(int size) {
        this.at = new long[size];
        this.rateLimited = new boolean[size];
    }

    void add(long nanos, boolean wasRateLimited) {
        at[next] = nanos;
        rateLimited[next] = wasRateLimited;
        next = (next + 1) % at.length;
        count = Math.min(count + 1, at.length);
    }

    /** How many of the last {@code n} answers (or fewer, if fewer came) were 429. */
    int rateLimitedAmongLast(int n) {
        int seen = 0;
        for (int i = 1; i <= Math.min(n, count); i++) {
            if (rateLimited[index(i)]) {
                seen++;
            }
        }
        return seen;
    }

    /** The share of 429 among the last {@code n} answers; 0 before any. */
    double rateLimitedShare(int n) {
        int considered = Math.min(n, count);
        return considered == 0 ? 0 : (double) rateLimitedAmongLast(n) / considered;
    }

    /** Answers other than 429 (the server's rate limit let them through) within {@code windowNanos} before {@code now}. */
    int acceptedWithin(long now, long windowNanos) {
        int seen = 0;
        for (int i = 1; i <= count && now - at[index(i)] <= windowNanos; i++) {
            if (!rateLimited[index(i)]) {
                seen++;
            }
        }
        return seen;
    }

    private int index(int back) {
        return Math.floorMod(next - back, at.length);
    }
}
