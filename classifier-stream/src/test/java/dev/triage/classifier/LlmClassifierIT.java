package dev.triage.classifier;

import dev.triage.classifier.llm.LlmSettings;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import dev.triage.core.taxonomy.Taxonomy;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LlmSimulator;
import dev.triage.localstack.testing.KafkaTestClient;
import dev.triage.localstack.testing.MetricsPage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.triage.localstack.testing.MetricsPage.grown;
import static dev.triage.localstack.testing.MetricsPage.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The classifier against the LLM simulator over real HTTP, on a real broker; its metrics page read as a scraper does. */
class LlmClassifierIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    Topics topics;
    KafkaTestClient client;
    LlmSimulator sim;
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
        client = new KafkaTestClient(kafka.bootstrapServers());
        sim = LlmSimulator.start(0, new Faults(), List.of("sim-model"), 42);
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        sim.close();
        client.close();
    }

    private void startClassifier(String provider, int maxConcurrent, Map<String, String> extra) {
        startClassifier(provider, maxConcurrent, extra, null);
    }

    private void startClassifier(String provider, int maxConcurrent, Map<String, String> extra, String instanceId) {
        Map<String, String> env = new HashMap<>(Map.of("LLM_PROVIDER", provider, "LLM_API_URL", sim.url(),
                "LLM_MODEL", "sim-model", "LLM_RETRY_BASE_DELAY", "50ms", "LLM_RETRY_MAX_DELAY", "500ms",
                "LLM_BREAKER_WAIT", "1s", "LLM_TIMEOUT", "10s")); // the exact call counts below need no timeouts
        env.putAll(extra);
        service = ClassifierService.start(new ClassifierConfig(new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1)
                .withGroupInstanceId(instanceId), "llm-it-" + topics.conversations(), maxConcurrent,
                LlmSettings.fromEnv(new Env(env)), null, 0));
    }

    @Test
    void theMetricsPageCountsModelCallsRecordsAndDeadLettersAndShowsTheBreaker() throws Exception {
        startClassifier("ollama", 4, Map.of());
        String before = scrape();
        send(10);
        client.send(record("blank", " "));

        results(10);
        client.readAtLeast(topics.deadLetter(), 1, Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String page = scrape();
            assertThat(grown(before, page, "triage_llm_calls_seconds_count", "provider=\"ollama\"", "model=\"sim-model\"",
                    "outcome=\"success\"")).isGreaterThanOrEqualTo(10);
            assertThat(grown(before, page, "triage_classifier_records_classified_total")).isGreaterThanOrEqualTo(10);
            assertThat(grown(before, page, "triage_classifier_records_dead_lettered_total", "code=\"INVALID_PAYLOAD\""))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(page, "triage_classifier_in_flight")).isZero();
            assertThat(value(page, "resilience4j_circuitbreaker_state", "name=\"sim-model\"", "state=\"closed\""))
                    .isEqualTo(1.0);
            assertThat(value(page, "resilience4j_retry_calls_total", "name=\"sim-model\"",
                    "kind=\"successful_without_retry\"")).isGreaterThanOrEqualTo(10);
            assertThat(value(page, "kafka_consumer_fetch_manager_records_consumed_total")).isGreaterThanOrEqualTo(11);
            assertThat(value(page, "kafka_producer_record_send_total")).isGreaterThanOrEqualTo(11);
        });
        assertThat(sim.requests()).isEqualTo(10);
    }

    @Test
    void ollamaAnswersAreValidatedAndCarryTheirProvenance() {
        startClassifier("ollama", 4, Map.of());
        send(20);

        List<ClassificationResult> results = results(20);

        Taxonomy taxonomy = Taxonomy.defaults();
        assertThat(results).allSatisfy(r -> {
            assertThat(r.model()).isEqualTo("sim-model");
            assertThat(r.taxonomyVersion()).isEqualTo("support-v1/prompt-2");
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.tokens()).isNotNull();
            assertThat(Taxonomy.match(taxonomy.intents(), r.classification().intent())).isPresent();
        });
        assertThat(sim.requests()).isEqualTo(20);
    }

    @Test
    void openAiServerThatRejectsJsonSchemaIsSteppedDownOnce() {
        sim.faults().rejectJsonSchema(true);
        startClassifier("openai", 4, Map.of());
        send(10);

        assertThat(results(10)).extracting(ClassificationResult::model).containsOnly("sim-model");
        // calls already in flight when the first 400 came back are rejected too (at most 4), then json_object
        assertThat(sim.requests()).isBetween(11L, 14L);
    }

    @Test
    void partialFailureIsRetriedCallByCallWithoutOpeningTheBreakerAndNoRecordIsLost() throws Exception {
        // 45% of the calls fail (30% 500, 10% 429 with Retry-After, 5% never answered): the normal state
        // of a loaded model server, not an outage
        sim.faults().errorRate(0.3).rateLimitRate(0.1).hangRate(0.05).latencyMs(5);
        startClassifier("ollama", 8, Map.of("LLM_TIMEOUT", "1s"));
        send(200);

        assertThat(results(200, Duration.ofSeconds(120))).extracting(ClassificationResult::id).doesNotHaveDuplicates()
                .hasSize(200);
        assertThat(deadLetters()).isEmpty();
        assertThat(sim.serverErrors()).isGreaterThan(20);
        assertThat(sim.rateLimited()).isGreaterThan(5);
        String page = scrape();
        assertThat(value(page, "resilience4j_circuitbreaker_not_permitted_calls_total", "name=\"sim-model\"")).isZero();
        assertThat(value(page, "triage_llm_requests_total", "name=\"sim-model\"", "result=\"rate_limited\""))
                .isGreaterThan(5);
        assertThat(value(page, "triage_llm_limit", "name=\"sim-model\"")).isBetween(1.0, 8.0);
    }

    @Test
    void aConversationWhoseCallsAlwaysFailIsDeadLetteredAsLlmFailedAndCommitsMoveOn() throws Exception {
        sim.faults().poisonText("POISON").latencyMs(5);
        startClassifier("ollama", 8, Map.of("LLM_RECORD_MAX_ATTEMPTS", "3"));
        send(20);
        client.send(record("poison", "POISON: this conversation makes the server fail every time"));
        send(20, 20);

        results(40);
        List<ConsumerRecord<byte[], byte[]>> dead = client.readAtLeast(topics.deadLetter(), 1, Duration.ofSeconds(60));

        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("poison");
            assertThat(header(r, TriageHeaders.ERROR_CODE)).isEqualTo("LLM_FAILED");
            assertThat(header(r, TriageHeaders.ATTEMPTS)).isEqualTo("3");
            assertThat(header(r, TriageHeaders.HTTP_STATUS)).isEqualTo("500");
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(client.committedTotal("llm-it-" + topics.conversations(), topics.conversations()))
                        .isEqualTo(41));
        assertThat(countResults()).isGreaterThanOrEqualTo(40);
        assertThat(value(scrape(), "resilience4j_circuitbreaker_state", "name=\"sim-model\"", "state=\"closed\""))
                .isEqualTo(1.0);
    }

    @Test
    void aFencedWorkerMakesHealthSayDown() throws Exception {
        startClassifier("ollama", 4, Map.of(), "member-1");
        send(5);
        results(5);
        assertThat(MetricsPage.get(service.metricsPort(), "/health").statusCode()).isEqualTo(200);

        // a second process started by mistake with the same KAFKA_GROUP_INSTANCE_ID fences the first
        try (var twin = client.staticMember("llm-it-" + topics.conversations(), "member-1", topics.conversations())) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(service.problem()).isNotNull());
        }

        var health = MetricsPage.get(service.metricsPort(), "/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"status\":\"down\"").contains("classifier worker stopped")
                .contains("FencedInstanceId");
    }

    @Test
    void anOutageIsWaitedOutWithoutDeadLettersAndEverythingIsClassifiedAfter() {
        sim.faults().down(true);
        startClassifier("ollama", 8, Map.of());
        send(30);

        await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40))
                .until(() -> deadLetters().isEmpty() && countResults() == 0);
        sim.faults().down(false);

        assertThat(results(30)).extracting(ClassificationResult::id).doesNotHaveDuplicates().hasSize(30);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void answersThatNeverValidateAreDeadLetteredWithTheModelsDetails() {
        sim.faults().badOutputRate(1.0);
        startClassifier("ollama", 4, Map.of("LLM_MAX_ATTEMPTS", "3"));
        send(5);

        List<ConsumerRecord<byte[], byte[]>> dead = client.readAtLeast(topics.deadLetter(), 5, Duration.ofSeconds(30));

        assertThat(dead).hasSize(5).allSatisfy(r -> {
            assertThat(header(r, TriageHeaders.ERROR_CODE)).isEqualTo("LLM_BAD_OUTPUT");
            assertThat(header(r, TriageHeaders.ATTEMPTS)).isEqualTo("3");
            assertThat(header(r, TriageHeaders.MODEL)).isEqualTo("sim-model");
            assertThat(header(r, TriageHeaders.HTTP_STATUS)).isEqualTo("200");
            assertThat(header(r, TriageHeaders.LLM_OUTPUT)).isNotBlank();
            assertThat(header(r, TriageHeaders.ERROR_MESSAGE)).contains("no valid answer in 3 attempts");
        });
        assertThat(sim.requests()).isEqualTo(15);
        assertThat(countResults()).isZero();
    }

    @Test
    void inFlightCallsGoBeyondThePartitionCountButNeverBeyondMaxConcurrent() {
        sim.faults().latencyMs(100);
        startClassifier("ollama", 8, Map.of());
        send(120);

        results(120);

        assertThat(sim.peakConcurrency()).isGreaterThan(3).isLessThanOrEqualTo(8);
    }

    @Test
    void twoInstancesShareTheWorkAndARebalanceLosesNothing() {
        sim.faults().latencyMs(20);
        startClassifier("ollama", 8, Map.of());
        send(300);
        await().atMost(Duration.ofSeconds(30)).until(() -> countResults() >= 30);
        ClassifierService second = ClassifierService.start(new ClassifierConfig(
                new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1), "llm-it-" + topics.conversations(), 8,
                LlmSettings.fromEnv(new Env(Map.of("LLM_PROVIDER", "ollama", "LLM_API_URL", sim.url(),
                        "LLM_MODEL", "sim-model")))));
        try {
            assertThat(results(300)).extracting(ClassificationResult::id).containsAll(
                    java.util.stream.IntStream.range(0, 300).mapToObj(i -> "c-" + i).toList());
            assertThat(sim.peakConcurrency()).isLessThanOrEqualTo(16);
        } finally {
            second.close();
        }
    }

    @Test
    void aConversationOverTheSizeLimitIsDeadLetteredWithoutAskingTheModel() {
        startClassifier("ollama", 4, Map.of("CONVERSATION_MAX_CHARS", "50"));
        client.send(record("big", "x".repeat(51)));

        List<ConsumerRecord<byte[], byte[]>> dead = client.readAtLeast(topics.deadLetter(), 1, Duration.ofSeconds(30));

        assertThat(header(dead.get(0), TriageHeaders.ERROR_CODE)).isEqualTo("CONVERSATION_TOO_LARGE");
        assertThat(sim.requests()).isZero();
    }

    private void send(int n) {
        send(0, n);
    }

    private void send(int from, int n) {
        for (int i = from; i < from + n; i++) {
            client.send(record("c-" + i, "Conversation number " + i + ": where is my refund?"));
        }
    }

    private ProducerRecord<byte[], byte[]> record(String id, String text) {
        ConversationEnvelope envelope = ConversationEnvelope.of(id, IdType.STRING, Source.MONGO,
                List.of(new Message("customer", text)), Map.of(), Instant.now());
        return new ProducerRecord<>(topics.conversations(), id.getBytes(StandardCharsets.UTF_8), Json.encode(envelope));
    }

    private List<ClassificationResult> results(int n) {
        return results(n, Duration.ofSeconds(60));
    }

    private List<ClassificationResult> results(int n, Duration timeout) {
        List<ClassificationResult> all = client.readDistinctKeys(topics.classifications(), n, timeout).stream()
                .map(r -> Json.decode(r.value(), ClassificationResult.class)).toList();
        Set<String> ids = all.stream().map(ClassificationResult::id).collect(Collectors.toSet());
        assertThat(ids).hasSize(n);
        return all;
    }

    private int countResults() {
        return client.readAvailable(topics.classifications()).size();
    }

    private List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return client.readAvailable(topics.deadLetter());
    }

    /** {@code GET /metrics} of the service, as Prometheus scrapes it. */
    private String scrape() throws IOException, InterruptedException {
        return MetricsPage.scrape(service.metricsPort());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return TriageHeaders.get(record.headers(), name);
    }
}
