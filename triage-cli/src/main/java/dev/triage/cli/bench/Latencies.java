package dev.triage.cli.bench;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * The latencies of one run in an HdrHistogram, so that every command reports percentiles the same
 * way and in constant memory. Values are kept in microseconds with 3 significant digits: a reported
 * percentile is within 0.1% of the true one (HdrHistogram reports the top of the value's bucket),
 * finer than any millisecond figure printed, and the histogram grows to whatever maximum it meets.
 * Percentiles are nearest-rank: p99 is a time at least one request actually took, give or take that
 * 0.1%.
 *
 * <p>Values are recorded as measured. A load generator that waits for each answer before sending
 * the next hides a stall (coordinated omission); the remedy is in how the caller times a request
 * (from its intended send time, see {@link ApiLoad}), not here. Not thread-safe: the thread that
 * assembles a report records into it, after the load has ended.
 */
public final class Latencies {

    private static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram micros = new Histogram(SIGNIFICANT_DIGITS);

    /** Records one latency of {@code nanos} nanoseconds, which must not be negative. */
    public void recordNanos(long nanos) {
        record(TimeUnit.NANOSECONDS.toMicros(nanos), nanos, "ns");
    }

    /** Records one latency of {@code millis} milliseconds, which must not be negative. */
    public void recordMillis(long millis) {
        record(TimeUnit.MILLISECONDS.toMicros(millis), millis, "ms");
    }

    public long count() {
        return micros.getTotalCount();
    }

    public boolean isEmpty() {
        return count() == 0;
    }

    /**
     * The latency at {@code percentile} (as HdrHistogram counts them: 50 for the median, 99.9 for
     * p99.9), in milliseconds; there must be at least one value.
     */
    public double ms(double percentile) {
        return toMs(micros.getValueAtPercentile(percentile));
    }

    /** The longest latency recorded, in milliseconds; there must be at least one value. */
    public double maxMs() {
        return toMs(micros.getMaxValue());
    }

    private double toMs(long value) {
        if (isEmpty()) {
            throw new IllegalStateException("no latency recorded");
        }
        return value / 1000.0;
    }

    private void record(long value, long given, String unit) {
        if (given < 0) {
            throw new IllegalArgumentException("a latency must be >= 0, was " + given + " " + unit);
        }
        micros.recordValue(value);
    }
}
