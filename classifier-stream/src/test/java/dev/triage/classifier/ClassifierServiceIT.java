package dev.triage.classifier;

import dev.triage.classifier.learned.LearnedClassifier;
import dev.triage.classifier.llm.LlmSettings;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.ErrorReply;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.testing.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The classifier service on a real broker: results, replies, and dead letters for bad records. */
class ClassifierServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    Topics topics;
    KafkaTestClient client;
    ClassifierService service;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void start(TestInfo test) {
        topics = Topics.defaults().withPrefix(test.getTestMethod().orElseThrow().getName() + ".");
        service = ClassifierService.start(new ClassifierConfig(new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1),
                "classifier-it-" + topics.conversations(), 16,
                LlmSettings.fromEnv(new Env(Map.of("LLM_PROVIDER", "offline")))));
        client = new KafkaTestClient(kafka.bootstrapServers());
    }

    @AfterEach
    void stop() throws InterruptedException {
        service.close();
        client.close();
    }

    @Test
    void garbageIsDeadLetteredWithItsHeadersWhileValidRecordsKeepFlowing() {
        client.send(conversation("a-1", "I want a refund for my order"));
        client.send(new ProducerRecord<>(topics.conversations(), key("bad-1"), "{definitely not json".getBytes(StandardCharsets.UTF_8)));
        client.send(conversation("a-2", ""));
        client.send(conversation("a-3", "My parcel never arrived"));

        List<ConsumerRecord<byte[], byte[]>> results = client.readAtLeast(topics.classifications(), 2, WAIT);
        List<ConsumerRecord<byte[], byte[]>> dead = client.readAtLeast(topics.deadLetter(), 2, WAIT);

        assertThat(results).extracting(r -> Json.decode(r.value(), ClassificationResult.class))
                .extracting(ClassificationResult::id, r -> r.classification().intent(), ClassificationResult::model)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a-1", "refund_request", LearnedClassifier.MODEL),
                        org.assertj.core.groups.Tuple.tuple("a-3", "problem_report", LearnedClassifier.MODEL));
        ConsumerRecord<byte[], byte[]> garbage = dead.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("bad-1")).findFirst().orElseThrow();
        assertThat(new String(garbage.value(), StandardCharsets.UTF_8)).isEqualTo("{definitely not json");
        assertThat(header(garbage, TriageHeaders.DLQ_VERSION)).isEqualTo("1");
        assertThat(header(garbage, TriageHeaders.ERROR_CODE)).isEqualTo("INVALID_PAYLOAD");
        assertThat(header(garbage, TriageHeaders.ERROR_CLASS)).endsWith("PayloadException");
        assertThat(header(garbage, TriageHeaders.ERROR_MESSAGE)).contains("ConversationEnvelope");
        assertThat(header(garbage, TriageHeaders.ORIGINAL_TOPIC)).isEqualTo(topics.conversations());
        assertThat(header(garbage, TriageHeaders.ORIGINAL_PARTITION)).matches("[0-2]");
        assertThat(header(garbage, TriageHeaders.ORIGINAL_OFFSET)).matches("\\d+");
        assertThat(Instant.parse(header(garbage, TriageHeaders.FAILED_AT))).isBefore(Instant.now().plusSeconds(1));
        assertThat(header(garbage, TriageHeaders.STAGE)).isEqualTo("classifier");
        assertThat(header(garbage, TriageHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(header(garbage, TriageHeaders.REPLAY_COUNT)).isEqualTo("0");
        assertThat(dead).anySatisfy(r -> assertThat(header(r, TriageHeaders.ERROR_MESSAGE)).contains("empty text"));
    }

    @Test
    void textTheModelCannotReadIsDeadLetteredOrCleanedNeverAnOutage() {
        client.send(conversation("z-1", "\u200B\u200B"));       // zero-width spaces only: nothing to classify
        client.send(conversation("z-2", "\u0001\u0002"));       // control characters only
        client.send(conversation("z-3", "I want a refund\u0000 for my order\u200B")); // readable once cleaned

        // other tests write to the same topics: wait until this test's records are there
        org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.readAtLeast(topics.deadLetter(), 1, WAIT))
                    .filteredOn(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("z-"))
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8), r -> header(r, TriageHeaders.ERROR_CODE))
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("z-1", "INVALID_PAYLOAD"),
                            org.assertj.core.groups.Tuple.tuple("z-2", "INVALID_PAYLOAD"));
            assertThat(client.readAtLeast(topics.classifications(), 1, WAIT))
                    .extracting(r -> Json.decode(r.value(), ClassificationResult.class))
                    .filteredOn(r -> r.id().equals("z-3"))
                    .singleElement().satisfies(r -> assertThat(r.classification().intent()).isEqualTo("refund_request"));
        });
    }

    @Test
    void synchronousRequestsGetAReplyOnTheirPartitionAndExpiredOnesDoNot() {
        // a gateway creates its own reply topic; here one with three partitions stands in for it
        TopicAdmin.ensureTopics(new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1), List.of(topics.replies()),
                Duration.ofSeconds(30));
        client.send(request("s-1", "Please cancel my subscription", Instant.now().plusSeconds(60)));
        client.send(request("s-expired", "Please cancel my subscription", Instant.now().minusSeconds(1)));
        client.send(request("s-empty", " ", Instant.now().plusSeconds(60)));

        List<ConsumerRecord<byte[], byte[]>> replies = client.readAtLeast(topics.replies(), 2, WAIT);
        client.readAtLeast(topics.classifications(), 2, WAIT); // the expired request is still classified

        assertThat(replies).hasSize(2).allSatisfy(r -> assertThat(r.partition()).isEqualTo(2));
        ConsumerRecord<byte[], byte[]> ok = replies.stream().filter(r -> header(r, TriageHeaders.ERROR_CODE) == null)
                .findFirst().orElseThrow();
        assertThat(header(ok, TriageHeaders.CORRELATION_ID)).isEqualTo("corr-s-1");
        assertThat(Json.decode(ok.value(), ClassificationResult.class).classification().intent()).isEqualTo("cancellation");
        ConsumerRecord<byte[], byte[]> error = replies.stream().filter(r -> header(r, TriageHeaders.ERROR_CODE) != null)
                .findFirst().orElseThrow();
        assertThat(header(error, TriageHeaders.CORRELATION_ID)).isEqualTo("corr-s-empty");
        assertThat(Json.decode(error.value(), ErrorReply.class).code()).isEqualTo("INVALID_PAYLOAD");
    }

    private ProducerRecord<byte[], byte[]> conversation(String id, String text) {
        ConversationEnvelope envelope = ConversationEnvelope.of(id, IdType.STRING, Source.MONGO,
                List.of(new Message("customer", text)), Map.of(), Instant.now());
        return new ProducerRecord<>(topics.conversations(), key(id), Json.encode(envelope));
    }

    private ProducerRecord<byte[], byte[]> request(String id, String text, Instant deadline) {
        ProducerRecord<byte[], byte[]> record = conversation(id, text);
        TriageHeaders.put(record.headers(), TriageHeaders.CORRELATION_ID, "corr-" + id);
        TriageHeaders.put(record.headers(), TriageHeaders.REPLY_TO, topics.replies());
        TriageHeaders.put(record.headers(), TriageHeaders.REPLY_PARTITION, 2);
        TriageHeaders.put(record.headers(), TriageHeaders.DEADLINE, deadline.toEpochMilli());
        return record;
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return TriageHeaders.get(record.headers(), name);
    }
}
