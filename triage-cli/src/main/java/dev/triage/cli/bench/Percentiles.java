package dev.triage.cli.bench;

import java.util.Arrays;

/**
 * Nearest-rank percentiles (as {@code triage send} reports them): the smallest value with at least
 * {@code p} of the values at or below it, so p99 is a time a request actually took.
 */
public final class Percentiles {

    private final long[] sorted;

    public Percentiles(long[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    public boolean isEmpty() {
        return sorted.length == 0;
    }

    /** @param p in (0, 1]; the values must not be empty */
    public long at(double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public long max() {
        return sorted[sorted.length - 1];
    }
}
