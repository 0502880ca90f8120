package dev.triage.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import dev.triage.localstack.testing.KafkaTestClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sink's {@code /health} on a real broker: 200 while its loop runs; 503 with the reason once
 * the loop died. The loop is killed from the outside: a record batch corrupted on the broker's
 * disk, which the consumer refuses (CRC check) with an exception from {@code poll} that no retry
 * can get past.
 */
class SinkLivenessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MARKER = "corrupt-me-please";

    @TempDir
    Path dir;
    EmbeddedKafka kafka;
    EmbeddedMongo mongo;
    SinkService sink;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        mongo = EmbeddedMongo.inMemory(0);
    }

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.close();
        }
        mongo.close();
        kafka.close();
    }

    @Test
    void healthIsOkWhileTheLoopRuns() throws Exception {
        sink = SinkService.start(config(Topics.defaults().withPrefix("alive-it.")));

        HttpResponse<String> health = health();

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(sink.problem()).isNull();
    }

    @Test
    void aLoopKilledByACorruptBatchMakesHealthAnswer503WithTheReason() throws Exception {
        Topics topics = Topics.defaults().withPrefix("dead-it.");
        SinkConfig config = config(topics);
        TopicAdmin.ensureTopics(config.kafka(), topics.all(), WAIT);
        try (KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            client.send(new ProducerRecord<>(topics.classifications(), "k".getBytes(StandardCharsets.UTF_8),
                    MARKER.getBytes(StandardCharsets.UTF_8)));
        }
        corrupt(dir.resolve("kafka"), topics.classifications());

        sink = SinkService.start(config);

        await().atMost(WAIT).until(() -> sink.problem() != null);
        HttpResponse<String> health = health();
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode body = Json.tree(health.body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.get("status").asText()).isEqualTo("down");
        assertThat(body.get("reason").asText()).isEqualTo(sink.problem())
                .startsWith("the result loop stopped: org.apache.kafka.")
                .contains(topics.classifications());
    }

    private SinkConfig config(Topics topics) {
        return new SinkConfig(new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1),
                new MongoSettings(mongo.connectionString(), "liveness_it", "queries", "results", "pipeline_state", "stats"),
                "liveness-it", 10, "majority", 0);
    }

    private HttpResponse<String> health() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + sink.metricsPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Flips a byte of {@link #MARKER} in the segment of {@code topic} that holds it, as a failing disk
     * would. The broker serves the file as it is; the consumer's CRC check rejects the batch.
     */
    private static void corrupt(Path kafkaDir, String topic) throws IOException {
        byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
        List<Path> segments;
        try (Stream<Path> files = Files.walk(kafkaDir.resolve("logs"))) {
            segments = files.filter(f -> f.getParent().getFileName().toString().startsWith(topic + "-")
                    && f.getFileName().toString().endsWith(".log")).toList();
        }
        for (Path segment : segments) {
            int at = indexOf(Files.readAllBytes(segment), marker);
            if (at >= 0) {
                try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap(new byte[]{'X'}), at);
                }
                return;
            }
        }
        throw new AssertionError("no segment of " + topic + " holds the record: " + segments);
    }

    private static int indexOf(byte[] data, byte[] part) {
        for (int i = 0; i + part.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }
}
