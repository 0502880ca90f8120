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

        Map<String, Long> latest = stats.readKeyValuesToMap().entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> Json.decode(e.getValue(), StatCount.class).count()));

        assertThat(latest).containsEntry("1m|2026-11-27T10:00:00Z|intent|refund_request", 2L)
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
    void aStatRecordSaysItsWindowAndLabel() {
        send("feedback", "product", "positive", T0);

        StatCount stat = Json.decode(stats.readKeyValuesToMap().get("1h|2026-11-27T10:00:00Z|intent|feedback"), StatCount.class);

        assertThat(stat).isEqualTo(new StatCount("1h", Instant.parse("2026-11-27T10:00:00Z"),
                Instant.parse("2026-11-27T11:00:00Z"), "intent", "feedback", 1));
    }

    private void send(String intent, String topic, String sentiment, Instant at) {
        ClassificationResult r = new ClassificationResult(1, "id-" + at, IdType.STRING, Source.API,
                new Classification(intent, topic, sentiment), "offline", "v", 1, 0, null, at);
        results.pipeInput(r.id().getBytes(StandardCharsets.UTF_8), Json.encode(r), at);
    }
}
