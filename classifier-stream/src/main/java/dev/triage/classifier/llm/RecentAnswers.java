package dev.triage.classifier.llm;

/**
 * The last {@code size} answers of the model server, each marked or not (marked: a 429), in a
 * ring. Not thread-safe: its owner's lock guards it.
 */
final class RecentAnswers {

    private final boolean[] marked;
    private int next;
    private int count;

    RecentAnswers(int size) {
        this.marked = new boolean[size];
    }

    void add(boolean mark) {
        marked[next] = mark;
        next = (next + 1) % marked.length;
        count = Math.min(count + 1, marked.length);
    }

    /** How many of the last {@code n} answers (or fewer, if fewer were seen) are marked. */
    int lastMatching(int n) {
        int seen = 0;
        for (int i = 1; i <= Math.min(n, count); i++) {
            if (marked[Math.floorMod(next - i, marked.length)]) {
                seen++;
            }
        }
        return seen;
    }

    /** The share of marked answers among those remembered; 0 before any. */
    double share() {
        return count == 0 ? 0 : (double) lastMatching(count) / count;
    }
}
