package dev.triage.cli;

import dev.triage.core.kafka.TriageHeaders;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.testing.KafkaTestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code triage replay-dlq} on a broker of its own per test (the command uses the default topic
 * names and its fixed consumer group), fed with hand-made dead letters.
 */
class ReplayDlqStreamIT {

    private static final String DEAD = "triage.dead-letter";
    private static final String CONVERSATIONS = "triage.conversations";
    private static final String CLASSIFICATIONS = "triage.classifications";
    private static final String GROUP = "triage-replay";

    @TempDir
    Path dir;
    EmbeddedKafka broker;
    KafkaTestClient kafka;

    @BeforeEach
    void start() {
        broker = EmbeddedKafka.start(0, dir.resolve("kafka"));
        kafka = new KafkaTestClient(broker.bootstrapServers());
    }

    @AfterEach
    void stop() {
        kafka.close();
        broker.close();
    }

    @Test
    void anErrorCodeFilterLeavesTheOtherDeadLettersForALaterRun() throws Exception {
        createTopics(Map.of(DEAD, 2, CONVERSATIONS, 2), Map.of());
        for (int i = 0; i < 10; i++) {
            kafka.send(deadLetter("k-" + i, i % 2 == 0 ? "LLM_BAD_OUTPUT" : "INVALID_PAYLOAD", "classifier", 0, "{}"));
        }

        CliRun bad = replay("--error-code", "LLM_BAD_OUTPUT");
        CliRun invalid = replay("--error-code", "INVALID_PAYLOAD");
        CliRun rest = replay();

        assertThat(bad.exit()).as(bad.out() + bad.err()).isZero();
        assertThat(invalid.exit()).as(invalid.out() + invalid.err()).isZero();
        assertThat(invalid.out()).contains("5 dead letters not read before, 5 chosen", "replayed 5, parked 0");
        assertThat(bad.out()).contains("10 dead letters not read before, 5 chosen", "replayed 5, parked 0", "kept 5");
        assertThat(invalid.out()).contains("kept 0");
        assertThat(rest.out()).contains("0 dead letters not read before", "replayed 0");
        Map<String, Long> replayedByKey = countByKey(kafka.readAvailable(CONVERSATIONS));
        assertThat(replayedByKey).hasSize(10).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
    }

    @Test
    void sinkStageDeadLettersGoBackToTheClassificationsTopic() throws Exception {
        createTopics(Map.of(DEAD, 1, CONVERSATIONS, 1, CLASSIFICATIONS, 1), Map.of());
        String result = "{\"v\":1,\"id\":\"k-sink\",\"classification\":{\"intent\":\"refund\"}}";
        kafka.send(deadLetter("k-sink", "INVALID_PAYLOAD", "sink", 1, result));
        kafka.send(deadLetter("k-conv", "LLM_BAD_OUTPUT", "classifier", 0, "{\"v\":1}"));

        CliRun classifierOnly = replay("--stage", "classifier");
        CliRun all = replay();

        assertThat(classifierOnly.exit()).as(classifierOnly.out() + classifierOnly.err()).isZero();
        assertThat(classifierOnly.out()).contains("2 dead letters not read before, 1 chosen", "replayed 1", "kept 1");
        assertThat(all.exit()).as(all.out() + all.err()).isZero();
        assertThat(all.out()).contains("1 dead letters not read before, 1 chosen", "replayed 1");
        List<ConsumerRecord<byte[], byte[]>> conversations = kafka.readAvailable(CONVERSATIONS);
        assertThat(conversations).extracting(r -> text(r.key())).containsExactly("k-conv");
        List<ConsumerRecord<byte[], byte[]>> classifications = kafka.readAvailable(CLASSIFICATIONS);
        assertThat(classifications).hasSize(1);
        ConsumerRecord<byte[], byte[]> replayed = classifications.get(0);
        assertThat(text(replayed.key())).isEqualTo("k-sink");
        assertThat(text(replayed.value())).isEqualTo(result);
        assertThat(TriageHeaders.get(replayed.headers(), TriageHeaders.REPLAY_COUNT)).isEqualTo("2");
        assertThat(TriageHeaders.get(replayed.headers(), TriageHeaders.ERROR_CODE)).isNull();
    }

    @Test
    void aLargeTopicIsReplayedInChunksCommittingAsItGoes() throws Exception {
        int letters = 3000;
        createTopics(Map.of(DEAD, 3, CONVERSATIONS, 3), Map.of());
        // one request in flight: on a topic created a moment ago, a NOT_LEADER answer to the first
        // of several in-flight batches leaves the idempotent producer retrying out of sequence forever
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < letters; i++) {
                sent.add(producer.send(deadLetter("k-" + i, "LLM_FAILED", "classifier", 0,
                        "{\"v\":1,\"text\":\"" + "x".repeat(200) + "\"}")));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }

        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                () -> replay("--batch-size", "50", "--rate", "1000"));
        // while it runs, part of the topic is already committed: it does not read everything first
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> run.isDone() || between(kafka.committedTotal(GROUP, DEAD), 1, letters - 100));
        assertThat(run.isDone()).as("finished before any progress was committed").isFalse();
        CliRun done = run.get();

        assertThat(done.exit()).as(done.out() + done.err()).isZero();
        assertThat(done.out()).contains("replayed " + letters + ", parked 0");
        assertThat(kafka.committedTotal(GROUP, DEAD)).isEqualTo(letters);
        Map<String, Long> replayedByKey = countByKey(kafka.readAvailable(CONVERSATIONS));
        assertThat(replayedByKey).hasSize(letters).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
    }

    @Test
    void aSendTheBrokerRejectsIsNotCommittedPastAndTheRunFails() throws Exception {
        createTopics(Map.of(DEAD, 1, CONVERSATIONS, 1), Map.of(CONVERSATIONS, "2048"));
        Random random = new Random(7);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            big.append((char) ('a' + random.nextInt(26)));
        }
        kafka.send(deadLetter("k-small", "LLM_FAILED", "classifier", 0, "{\"v\":1}"));
        kafka.send(deadLetter("k-big", "LLM_FAILED", "classifier", 0, "{\"v\":1,\"text\":\"" + big + "\"}"));
        kafka.send(deadLetter("k-after", "LLM_FAILED", "classifier", 0, "{\"v\":1}"));

        CliRun run = replay();

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("could not send", DEAD + "-0@1", CONVERSATIONS);
        assertThat(kafka.committedTotal(GROUP, DEAD)).isEqualTo(1);
        CliRun again = replay("--dry-run");
        assertThat(again.out()).contains("2 dead letters not read before");
    }

    private CliRun replay(String... more) {
        String[] args = new String[more.length + 3];
        args[0] = "replay-dlq";
        args[1] = "--kafka-bootstrap-servers";
        args[2] = broker.bootstrapServers();
        System.arraycopy(more, 0, args, 3, more.length);
        return CliRun.of(args);
    }

    private void createTopics(Map<String, Integer> partitions, Map<String, String> maxMessageBytes) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(partitions.entrySet().stream().map(e -> {
                NewTopic topic = new NewTopic(e.getKey(), e.getValue(), (short) 1);
                String max = maxMessageBytes.get(e.getKey());
                return max == null ? topic : topic.configs(Map.of("max.message.bytes", max));
            }).toList()).all().get();
        }
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(String key, String code, String stage, int replays, String value) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(DEAD, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
        TriageHeaders.put(record.headers(), TriageHeaders.DLQ_VERSION, 1);
        TriageHeaders.put(record.headers(), TriageHeaders.ERROR_CODE, code);
        TriageHeaders.put(record.headers(), TriageHeaders.STAGE, stage);
        TriageHeaders.put(record.headers(), TriageHeaders.FAILED_AT, "2026-01-01T00:00:00Z");
        TriageHeaders.put(record.headers(), TriageHeaders.REPLAY_COUNT, replays);
        return record;
    }

    private static Map<String, Long> countByKey(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().collect(Collectors.groupingBy(r -> text(r.key()), Collectors.counting()));
    }

    private static boolean between(long value, long min, long max) {
        return value >= min && value <= max;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
