package dev.triage.classifier.llm;

/**
 * When the last {@code size} good answers came, in a ring, to tell how many the server gave in the
 * last second. Not thread-safe: its owner's lock guards it.
 */
final class SuccessRate {

    private static final long SECOND = 1_000_000_000L;

    private final long[] at;
    private int next;
    private int count;

    SuccessRate(int size) {
        this.at = new long[size];
    }

    void add(long nanos) {
        at[next] = nanos;
        next = (next + 1) % at.length;
        count = Math.min(count + 1, at.length);
    }

    /** Good answers in the second before {@code now} (at most the ring's size). */
    int perSecond(long now) {
        int seen = 0;
        for (int i = 1; i <= count; i++) {
            if (now - at[Math.floorMod(next - i, at.length)] > SECOND) {
                break;
            }
            seen++;
        }
        return seen;
    }
}
