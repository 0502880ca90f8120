package dev.triage.classifier.stats;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Source;
import dev.triage.core.model.StatCount;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.testing.KafkaTestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The statistics stream on a real broker, through redelivered results, a query classified again,
 * a restart, and a backlog read after newer results: every hour's counts per intent, per topic and
 * per sentiment equal the distinct results written (the latest result per query, as the sink's
 * upsert keeps them), and no record is dropped as late.
 */
class StatsServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final List<String> INTENTS = List.of("refund_request", "cancellation", "feedback");
    private static final List<String> TOPICS = List.of("billing", "delivery", "product", "account");
    private static final List<String> SENTIMENTS = List.of("negative", "neutral");
    private static final Map<String, Duration> WINDOWS = Map.of("1m", Duration.ofMinutes(1), "1h", Duration.ofHours(1));
    /** An hour well past, so that the windows of the old design had long closed when it restarts. */
    private static final Instant HOUR = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5));

    @TempDir
    Path dir;
    EmbeddedKafka kafka;
    KafkaSettings settings;
    KafkaTestClient client;
    StatsService stats;
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    /** The results collection as the sink keeps it: the latest result per query. */
    Map<String, ClassificationResult> written = new LinkedHashMap<>();

    @BeforeEach
    void start() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        settings = new KafkaSettings(kafka.bootstrapServers(), Topics.defaults().withPrefix("stats-it."), 3, (short) 1);
        TopicAdmin.ensureTopics(settings, settings.topics().all(), Duration.ofSeconds(30));
        client = new KafkaTestClient(kafka.bootstrapServers());
        warnings.start();
        root().addAppender(warnings);
        stats = startStats();
    }

    @AfterEach
    void stop() {
        root().detachAppender(warnings);
        stats.close();
        client.close();
        kafka.close();
    }

    @Test
    void hourlyCountsEqualTheDistinctResultsThroughDuplicatesRestartAndBacklog() {
        for (int i = 0; i < 40; i++) {
            write(i % 3, result(i, HOUR.plusSeconds(60L * i)));
        }
        for (int i = 0; i < 10; i++) { // redelivered after a crash: the same results again
            write(i % 3, written.get("q" + i));
        }
        write(1, result(5, HOUR.plus(Duration.ofMinutes(50)), "feedback", "product", "neutral")); // classified again
        awaitCountsOfWritten();

        stats.close();
        // while the stream is stopped: fresh results on partition 0, a backlog of older ones on 1 and 2
        for (int i = 40; i < 50; i++) {
            write(0, result(i, HOUR.plus(Duration.ofHours(2)).plusSeconds(i)));
        }
        for (int i = 50; i < 110; i++) {
            write(1 + i % 2, result(i, HOUR.plus(Duration.ofMinutes(i - 50))));
        }
        stats = startStats();

        Map<String, Long> counts = awaitCountsOfWritten();
        assertThat(written).hasSize(110);
        for (String dimension : List.of("intent", "topic", "sentiment")) {
            assertThat(total(counts, "1h|" + HOUR + "|" + dimension)).as(dimension + " in the hour").isEqualTo(100);
            assertThat(total(counts, "1h|" + HOUR.plus(Duration.ofHours(2)) + "|" + dimension)).isEqualTo(10);
        }
        assertThat(warnings.list).as("records skipped by the statistics stream")
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                        && e.getFormattedMessage().startsWith("Skipping record"))
                .isEmpty();
    }

    /**
     * The internal topics are created in small segments, so that the broker can free what a purge
     * or a compaction dropped; the results changelog, an entry per query, in larger ones.
     */
    @Test
    void internalTopicsAreCutInSegmentsTheBrokerCanFree() throws Exception {
        Map<String, String> small = Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, "1048576", TopicConfig.SEGMENT_MS_CONFIG, "600000");
        Map<String, Map<String, String>> expected = Map.of(
                "stats-it-stats-results-repartition", small,
                "stats-it-stats-bucket-1m-repartition", small,
                "stats-it-stats-bucket-1h-repartition", small,
                "stats-it-stats-counts-1m-changelog", small,
                "stats-it-stats-counts-1h-changelog", small,
                "stats-it-stats-results-changelog", Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, "67108864",
                        TopicConfig.SEGMENT_MS_CONFIG, "604800000"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            await().atMost(WAIT).until(() -> admin.listTopics().names().get().containsAll(expected.keySet()));
            Map<ConfigResource, Config> configs = admin.describeConfigs(expected.keySet().stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get();
            expected.forEach((topic, settings) -> settings.forEach((name, value) ->
                    assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get(name).value())
                            .as(topic + " " + name).isEqualTo(value)));
        }
    }

    private StatsService startStats() {
        return StatsService.start(settings, "stats-it", dir.resolve("streams"));
    }

    /**
     * Waits until the stats topic (the latest count per key, as the sink keeps it) says what the
     * written results say, for every window, bucket, dimension and label; returns those counts.
     */
    private Map<String, Long> awaitCountsOfWritten() {
        Map<String, Long> expected = expectedCounts();
        Map<String, Long> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = statsConsumer()) {
            await().atMost(WAIT).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r ->
                        latest.put(r.key(), Json.decode(r.value(), StatCount.class).count()));
                Map<String, Long> nonZero = latest.entrySet().stream().filter(e -> e.getValue() != 0)
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
                assertThat(nonZero).isEqualTo(expected);
            });
        }
        return latest;
    }

    /** The counts per {@code window|start|dimension|label} of the latest result of each query. */
    private Map<String, Long> expectedCounts() {
        Map<String, Long> expected = new TreeMap<>();
        for (ClassificationResult r : written.values()) {
            for (Map.Entry<String, Duration> window : WINDOWS.entrySet()) {
                long at = r.classifiedAt().toEpochMilli();
                Instant start = Instant.ofEpochMilli(at - at % window.getValue().toMillis());
                String bucket = window.getKey() + "|" + start + "|";
                expected.merge(bucket + "intent|" + r.classification().intent(), 1L, Long::sum);
                expected.merge(bucket + "topic|" + r.classification().topic(), 1L, Long::sum);
                expected.merge(bucket + "sentiment|" + r.classification().sentiment(), 1L, Long::sum);
            }
        }
        return expected;
    }

    private static long total(Map<String, Long> counts, String prefix) {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix + "|"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Sends a result as the classifier does (keyed by id, stamped when classified) to one partition. */
    private void write(int partition, ClassificationResult r) {
        written.put(r.id(), r);
        client.send(new ProducerRecord<>(settings.topics().classifications(), partition, r.classifiedAt().toEpochMilli(),
                r.id().getBytes(StandardCharsets.UTF_8), Json.encode(r)));
    }

    private static ClassificationResult result(int i, Instant at) {
        return result(i, at, INTENTS.get(i % INTENTS.size()), TOPICS.get(i % TOPICS.size()),
                SENTIMENTS.get(i % SENTIMENTS.size()));
    }

    private static ClassificationResult result(int i, Instant at, String intent, String topic, String sentiment) {
        return new ClassificationResult(1, "q" + i, IdType.STRING, Source.MONGO, new Classification(intent, topic, sentiment),
                "offline", "v1", 1, 0, null, at);
    }

    private KafkaConsumer<String, byte[]> statsConsumer() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = IntStream.range(0, 3)
                .mapToObj(p -> new TopicPartition(settings.topics().stats(), p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
