package dev.triage.classifier.stats;

import dev.triage.core.json.Json;
import dev.triage.core.model.StatCount;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Counts classification results per intent, topic and sentiment in 1-minute and 1-hour buckets,
 * exactly: each query counts once, in the bucket of its newest result's {@code classified_at}.
 *
 * <p>The classifications topic may carry a query's result more than once (redelivery after a
 * crash, a replay, {@code reprocess}); the sink upserts them into one document. So the results are
 * first made a table keyed by query ({@value #RESULTS_STORE}): a repeated result replaces the
 * previous one unless it is older (the sink's newer-wins rule, so that the counts follow the
 * {@code results} documents even when an old result is replayed late). Each bucket's counts are an aggregate of that table, all three dimensions in one
 * {@link BucketCounts}: a replaced result is taken from its old bucket and labels and added to the
 * new ones. Nothing is windowed, so nothing expires: a result read late (a backlog after a long
 * stop, partitions read at different speeds) still counts in its own bucket, and no record is
 * dropped. Every update of a bucket publishes all its labels as {@link StatCount}s keyed
 * {@code window|start|dimension|label}, all of one bucket to one partition of the stats topic, in
 * the order they changed. Records that are not results are skipped (the sink dead-letters them).
 *
 * <p>The tables grow with the queries (one small entry each) and the buckets: the price of
 * recognising a duplicate whenever it comes.
 */
public final class StatsTopology {

    static final String RESULTS_STORE = "stats-results";
    /** The bucket sizes, by their name in {@link StatCount#window()}; built in this order, which names the nodes. */
    static final List<Window> WINDOWS = List.of(new Window("1m", Duration.ofMinutes(1)), new Window("1h", Duration.ofHours(1)));

    /**
     * The results changelog keeps an entry per query, so it is not cut into the small segments of
     * the other internal topics (StatsService): 64 MiB ones, rolled at least weekly (the broker's
     * default), where its compaction drops the results that were replaced.
     */
    static final Map<String, String> RESULTS_CHANGELOG = Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(64 << 20),
            TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()));
    private static final Serde<CountedResult> RESULT = json(CountedResult.class);
    private static final Serde<BucketCounts> COUNTS = json(BucketCounts.class);

    /** All labels of one bucket ({@code window|start}, the key's first two parts) to one partition. */
    private static final StreamPartitioner<String, byte[]> BY_BUCKET = (topic, key, value, partitions) -> {
        String bucket = key.substring(0, key.indexOf('|', key.indexOf('|') + 1));
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bucket.getBytes(StandardCharsets.UTF_8))) % partitions));
    };

    record Window(String name, Duration size) {
    }

    private StatsTopology() {
    }

    public static void build(StreamsBuilder builder, String classifications, String stats) {
        KTable<String, CountedResult> latest = builder
                .stream(classifications, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .flatMap((key, value) -> CountedResult.of(value).map(r -> List.of(KeyValue.pair(r.query(), r)))
                        .orElse(List.of()))
                .repartition(Repartitioned.<String, CountedResult>as(RESULTS_STORE).withKeySerde(Serdes.String())
                        .withValueSerde(RESULT))
                .groupByKey()
                .reduce(StatsTopology::newer, Named.as(RESULTS_STORE), Materialized.<String, CountedResult,
                        KeyValueStore<Bytes, byte[]>>as(RESULTS_STORE).withKeySerde(Serdes.String()).withValueSerde(RESULT)
                        .withLoggingEnabled(RESULTS_CHANGELOG));
        WINDOWS.forEach(window -> count(latest, window.name(), window.size(), stats));
    }

    private static void count(KTable<String, CountedResult> latest, String window, Duration size, String stats) {
        latest.groupBy((query, r) -> KeyValue.pair(r.bucketStart(size).toString(), r),
                        Grouped.with("stats-bucket-" + window, Serdes.String(), RESULT))
                .aggregate(BucketCounts::empty, (start, r, counts) -> counts.plus(r), (start, r, counts) -> counts.minus(r),
                        Materialized.<String, BucketCounts, KeyValueStore<Bytes, byte[]>>as("stats-counts-" + window)
                                .withKeySerde(Serdes.String()).withValueSerde(COUNTS))
                .toStream()
                .flatMap((start, counts) -> counts.statCounts(window, Instant.parse(start), size).stream()
                        .map(stat -> KeyValue.pair(stat.key(), Json.encode(stat))).toList())
                .to(stats, Produced.with(Serdes.String(), Serdes.ByteArray()).withStreamPartitioner(BY_BUCKET));
    }

    /** The sink's rule: a result replaces only an older one (the later read of two equally new ones). */
    static CountedResult newer(CountedResult kept, CountedResult next) {
        return next.classifiedAt().isBefore(kept.classifiedAt()) ? kept : next;
    }

    private static <T> Serde<T> json(Class<T> type) {
        return Serdes.serdeFrom((topic, value) -> value == null ? null : Json.encode(value),
                (topic, bytes) -> bytes == null ? null : Json.decode(bytes, type));
    }
}
