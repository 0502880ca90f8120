package dev.triage.classifier.stats;

import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.model.ClassificationResult;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one classification result adds to the statistics: its query, the time it was classified
 * (which is also the sink's {@code processed_at}, so a bucket holds the same results as that hour
 * of the {@code results} collection) and its three labels.
 *
 * @param query        the query's identity as the sink upserts it: id type and id
 * @param classifiedAt when the result was made; it chooses the bucket, whenever the record is read
 */
record CountedResult(String query, Instant classifiedAt, String intent, String topic, String sentiment) {

    /** The result in {@code value}, or empty when it is not one (the sink dead-letters those). */
    static Optional<CountedResult> of(byte[] value) {
        try {
            ClassificationResult r = Json.decode(value, ClassificationResult.class);
            return Optional.of(new CountedResult(r.idType() + ":" + r.id(), r.classifiedAt(), r.classification().intent(),
                    r.classification().topic(), r.classification().sentiment()));
        } catch (PayloadException e) {
            return Optional.empty();
        }
    }

    /** The start of the epoch-aligned bucket of {@code size} holding this result. */
    Instant bucketStart(Duration size) {
        long at = classifiedAt.toEpochMilli();
        return Instant.ofEpochMilli(at - Math.floorMod(at, size.toMillis()));
    }

    /** The counters this result adds one to: {@code dimension|label}. */
    List<String> labels() {
        return List.of("intent|" + intent, "topic|" + topic, "sentiment|" + sentiment);
    }
}
