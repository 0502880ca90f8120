package dev.triage.localstack.llm;

import java.util.function.LongSupplier;

/**
 * A requests-per-minute limit as a token bucket: refilled continuously at {@code perMinute / 60}
 * tokens a second, holding at most one second's worth (at least one token), full at start.
 * Thread-safe.
 *
 * <p>Credit is counted in integer units of 1/(60·10⁹) token, so that each nanosecond adds exactly
 * {@code perMinute} units: no rounding drift, and a refill lands exactly when the arithmetic says.
 */
final class TokenBucket {

    private static final long TOKEN = 60_000_000_000L;

    private final int perMinute;
    private final long size;
    private final long nanosToFill;
    private final LongSupplier nanoClock;
    private long credit;
    private long refilledAt;

    /** {@code nanoClock} is {@link System#nanoTime} outside tests. */
    TokenBucket(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("rpm must be >= 1 for a token bucket, was " + perMinute);
        }
        this.perMinute = perMinute;
        this.size = Math.max(TOKEN, perMinute * 1_000_000_000L);
        this.nanosToFill = size / perMinute + 1;
        this.nanoClock = nanoClock;
        this.credit = size;
        this.refilledAt = nanoClock.getAsLong();
    }

    int perMinute() {
        return perMinute;
    }

    /** Takes a token: 0 when one was taken, else the nanoseconds until a whole token will be there. */
    synchronized long take() {
        long now = nanoClock.getAsLong();
        // Capped so that a long idle time cannot overflow the multiplication; the bucket is full by then anyway.
        long elapsed = Math.min(Math.max(0, now - refilledAt), nanosToFill);
        credit = Math.min(size, credit + elapsed * perMinute);
        refilledAt = now;
        if (credit >= TOKEN) {
            credit -= TOKEN;
            return 0;
        }
        return (TOKEN - credit + perMinute - 1) / perMinute;
    }

    /** The {@code Retry-After} for a wait: whole seconds rounded up, at least 1 (0 would invite a retry storm). */
    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }
}
