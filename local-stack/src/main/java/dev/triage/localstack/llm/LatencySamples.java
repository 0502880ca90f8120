package dev.triage.localstack.llm;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Latency samples for percentiles. Keeps every sample up to {@link #LIMIT}, then a uniform random
 * reservoir of that many (Vitter's algorithm R), so a long benchmark keeps bounded memory and
 * unbiased percentiles. Thread-safe.
 */
final class LatencySamples {

    static final int LIMIT = 1_000_000;

    private long[] nanos = new long[1024];
    private int size;
    private long seen;

    synchronized void record(long latencyNanos) {
        seen++;
        if (size < LIMIT) {
            if (size == nanos.length) {
                nanos = Arrays.copyOf(nanos, Math.min(LIMIT, size * 2));
            }
            nanos[size++] = latencyNanos;
            return;
        }
        long slot = ThreadLocalRandom.current().nextLong(seen);
        if (slot < LIMIT) {
            nanos[(int) slot] = latencyNanos;
        }
    }

    synchronized void clear() {
        nanos = new long[1024];
        size = 0;
        seen = 0;
    }

    /** The nearest-rank {@code p} percentile ({@code 0 <= p <= 1}) in milliseconds; NaN without samples. */
    double percentileMs(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("percentile must be between 0 and 1, was " + p);
        }
        long[] sorted;
        synchronized (this) {
            sorted = Arrays.copyOf(nanos, size);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1_000_000.0;
    }
}
