package dev.triage.core.model;

import java.time.Instant;

/**
 * How many classifications got one label in one time window, as written to the stats topic (the
 * latest value per key wins: the count so far in that window).
 *
 * @param window      {@code 1m} or {@code 1h}
 * @param windowStart start of the window, inclusive
 * @param windowEnd   end of the window, exclusive
 * @param dimension   {@code intent}, {@code topic} or {@code sentiment}
 * @param label       the label counted
 * @param count       classifications with that label in the window so far
 */
public record StatCount(String window, Instant windowStart, Instant windowEnd, String dimension, String label,
                        long count) {

    /** The record's key, also its {@code _id} in the stats collection. */
    public String key() {
        return window + "|" + windowStart + "|" + dimension + "|" + label;
    }
}
