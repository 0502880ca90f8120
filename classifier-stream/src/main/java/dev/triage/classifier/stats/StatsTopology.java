package dev.triage.classifier.stats;

import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.StatCount;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

import java.time.Duration;
import java.util.List;

/**
 * Counts classifications per intent, topic and sentiment in 1-minute and 1-hour tumbling windows
 * (by record time, 30 s grace for late records) from the classifications topic into the stats
 * topic. Each update of a count is emitted; the latest value per key is the count. Records that
 * are not results are skipped (the sink dead-letters them).
 */
public final class StatsTopology {

    static final Duration GRACE = Duration.ofSeconds(30);

    private StatsTopology() {
    }

    public static void build(StreamsBuilder builder, String classifications, String stats) {
        KGroupedStream<String, String> labels = builder
                .stream(classifications, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .flatMap((key, value) -> labelsOf(value))
                .groupByKey(Grouped.with("labels", Serdes.String(), Serdes.String()));
        count(labels, "1m", Duration.ofMinutes(1), stats);
        count(labels, "1h", Duration.ofHours(1), stats);
    }

    private static void count(KGroupedStream<String, String> labels, String window, Duration size, String stats) {
        labels.windowedBy(TimeWindows.ofSizeAndGrace(size, GRACE))
                .count(Materialized.as("stats-" + window))
                .toStream()
                .map((windowed, count) -> {
                    String[] dimensionAndLabel = windowed.key().split("\\|", 2);
                    StatCount stat = new StatCount(window, windowed.window().startTime(), windowed.window().endTime(),
                            dimensionAndLabel[0], dimensionAndLabel[1], count);
                    return KeyValue.pair(stat.key(), Json.encode(stat));
                })
                .to(stats, Produced.with(Serdes.String(), Serdes.ByteArray()));
    }

    private static List<KeyValue<String, String>> labelsOf(byte[] value) {
        try {
            ClassificationResult r = Json.decode(value, ClassificationResult.class);
            return List.of(KeyValue.pair("intent|" + r.classification().intent(), ""),
                    KeyValue.pair("topic|" + r.classification().topic(), ""),
                    KeyValue.pair("sentiment|" + r.classification().sentiment(), ""));
        } catch (PayloadException e) {
            return List.of();
        }
    }
}
