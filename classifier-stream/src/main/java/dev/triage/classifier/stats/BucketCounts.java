package dev.triage.classifier.stats;

import dev.triage.core.model.StatCount;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts of one time bucket, all three dimensions in one value: a result is added to (or taken
 * from) its intent, topic and sentiment in the same update, so the dimensions of a bucket always
 * sum to the same total. A label whose count fell to 0 stays, so that its 0 is published and
 * replaces the count the sink holds.
 *
 * @param counts count per {@code dimension|label}
 */
record BucketCounts(Map<String, Long> counts) {

    BucketCounts {
        counts = new TreeMap<>(counts);
    }

    static BucketCounts empty() {
        return new BucketCounts(Map.of());
    }

    BucketCounts plus(CountedResult result) {
        return add(result, 1);
    }

    BucketCounts minus(CountedResult result) {
        return add(result, -1);
    }

    private BucketCounts add(CountedResult result, long delta) {
        Map<String, Long> next = new TreeMap<>(counts);
        result.labels().forEach(label -> next.merge(label, delta, Long::sum));
        return new BucketCounts(next);
    }

    /** One {@link StatCount} per label of the bucket starting at {@code start}. */
    List<StatCount> statCounts(String window, Instant start, Duration size) {
        return counts.entrySet().stream().map(e -> {
            String[] dimensionAndLabel = e.getKey().split("\\|", 2);
            return new StatCount(window, start, start.plus(size), dimensionAndLabel[0], dimensionAndLabel[1], e.getValue());
        }).toList();
    }
}
