package dev.triage.classifier.stats;

import dev.triage.core.json.Json;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Source;
import dev.triage.core.model.StatCount;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class StatsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:10Z");

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> results;
    private TestOutputTopic<String, byte[]> stats;

    @BeforeEach
    void build() {
        StreamsBuilder builder = new StreamsBuilder();
        StatsTopology.build(builder, "classifications", "stats");
        Properties props = new Properties();
        props.put("application.id", "stats-test");
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(builder.build(), props);
        results = driver.createInputTopic("classifications", new ByteArraySerializer(), new ByteArraySerializer());
        stats = driver.createOutputTopic("stats", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void countsEachLabelPerMinuteAndPerHour() {
        send("refund_request", "billing", "negative", T0);
        send("refund_request", "delivery", "negative", T0.plusSeconds(20));
        send("cancellation", "billing", "neutral", T0.plusSeconds(70)); // next minute, same hour
        results.pipeInput(null, "not a result".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(71));

        assertThat(latest()).containsEntry("1m|2026-11-27T10:00:00Z|intent|refund_request", 2L)
                .containsEntry("1m|2026-11-27T10:00:00Z|topic|billing", 1L)
                .containsEntry("1m|2026-11-27T10:00:00Z|topic|delivery", 1L)
                .containsEntry("1m|2026-11-27T10:01:00Z|intent|cancellation", 1L)
                .containsEntry("1h|2026-11-27T10:00:00Z|intent|refund_request", 2L)
                .containsEntry("1h|2026-11-27T10:00:00Z|topic|billing", 2L)
                .containsEntry("1h|2026-11-27T10:00:00Z|sentiment|negative", 2L)
                .containsEntry("1h|2026-11-27T10:00:00Z|sentiment|neutral", 1L)
                .hasSize(4 + 3 + 6); // labels seen in minute 10:00, in minute 10:01, in the hour
    }

    @Test
    void aResultDeliveredTwiceCountsOnce() {
        ClassificationResult r = result("q1", "refund_request", "billing", "negative", T0);
        results.pipeInput(key(r), Json.encode(r), T0);
        results.pipeInput(key(r), Json.encode(r), T0.plusSeconds(5));

        assertThat(latest()).containsEntry("1h|2026-11-27T10:00:00Z|intent|refund_request", 1L)
                .containsEntry("1h|2026-11-27T10:00:00Z|topic|billing", 1L)
                .containsEntry("1m|2026-11-27T10:00:00Z|sentiment|negative", 1L);
    }

    @Test
    void aQueryClassifiedAgainMovesToItsNewLabelsAndBucket() {
        ClassificationResult first = result("q1", "refund_request", "billing", "negative", T0);
        ClassificationResult again = result("q1", "cancellation", "billing", "neutral", T0.plus(Duration.ofHours(1)));
        results.pipeInput(key(first), Json.encode(first), T0);
        results.pipeInput(key(again), Json.encode(again), T0.plus(Duration.ofHours(1)));

        assertThat(latest()).containsEntry("1h|2026-11-27T10:00:00Z|intent|refund_request", 0L)
                .containsEntry("1h|2026-11-27T10:00:00Z|topic|billing", 0L)
                .containsEntry("1h|2026-11-27T11:00:00Z|intent|cancellation", 1L)
                .containsEntry("1h|2026-11-27T11:00:00Z|sentiment|neutral", 1L);
    }

    @Test
    void anOlderResultReadLateDoesNotReplaceTheNewerOneAsInTheSink() {
        ClassificationResult newer = result("q1", "cancellation", "billing", "neutral", T0.plus(Duration.ofHours(1)));
        ClassificationResult older = result("q1", "refund_request", "billing", "negative", T0);
        results.pipeInput(key(newer), Json.encode(newer), T0.plus(Duration.ofHours(1)));
        results.pipeInput(key(older), Json.encode(older), T0.plus(Duration.ofHours(2))); // a replayed old dead letter

        assertThat(latest()).containsEntry("1h|2026-11-27T11:00:00Z|intent|cancellation", 1L)
                .doesNotContainKey("1h|2026-11-27T10:00:00Z|intent|refund_request");
    }

    @Test
    void theSameIdOfAnotherTypeIsAnotherQuery() {
        ClassificationResult asString = result("5f1d7a2b9c8e4a0012345678", "feedback", "product", "positive", T0);
        ClassificationResult asObjectId = new ClassificationResult(1, asString.id(), IdType.OBJECT_ID, Source.MONGO,
                asString.classification(), "offline", "v", 1, 0, null, T0);
        results.pipeInput(key(asString), Json.encode(asString), T0);
        results.pipeInput(key(asObjectId), Json.encode(asObjectId), T0);

        assertThat(latest()).containsEntry("1h|2026-11-27T10:00:00Z|intent|feedback", 2L);
    }

    @Test
    void aResultReadLongAfterNewerOnesStillCountsInItsOwnBucket() {
        send("refund_request", "billing", "negative", T0.plus(Duration.ofHours(3)));
        send("feedback", "product", "positive", T0); // a backlog read after a long stop

        assertThat(latest()).containsEntry("1h|2026-11-27T10:00:00Z|intent|feedback", 1L)
                .containsEntry("1m|2026-11-27T10:00:00Z|topic|product", 1L)
                .containsEntry("1h|2026-11-27T13:00:00Z|intent|refund_request", 1L);
    }

    @Test
    void aStatRecordSaysItsWindowAndLabel() {
        send("feedback", "product", "positive", T0);

        StatCount stat = Json.decode(stats.readKeyValuesToMap().get("1h|2026-11-27T10:00:00Z|intent|feedback"), StatCount.class);

        assertThat(stat).isEqualTo(new StatCount("1h", Instant.parse("2026-11-27T10:00:00Z"),
                Instant.parse("2026-11-27T11:00:00Z"), "intent", "feedback", 1));
    }

    /** The latest count per stats key, as the sink keeps it. */
    private Map<String, Long> latest() {
        return stats.readKeyValuesToMap().entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> Json.decode(e.getValue(), StatCount.class).count()));
    }

    private void send(String intent, String topic, String sentiment, Instant at) {
        ClassificationResult r = result("id-" + at, intent, topic, sentiment, at);
        results.pipeInput(key(r), Json.encode(r), at);
    }

    private static ClassificationResult result(String id, String intent, String topic, String sentiment, Instant at) {
        return new ClassificationResult(1, id, IdType.STRING, Source.API, new Classification(intent, topic, sentiment),
                "offline", "v", 1, 0, null, at);
    }

    private static byte[] key(ClassificationResult r) {
        return r.id().getBytes(StandardCharsets.UTF_8);
    }
}
