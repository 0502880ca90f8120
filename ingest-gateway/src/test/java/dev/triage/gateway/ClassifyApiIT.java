package dev.triage.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.ErrorReply;
import dev.triage.gateway.relay.ChangeStreamRelay;
import dev.triage.localstack.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API as a client sees it: the real gateway on a free port and a real broker. A small
 * responder stands in for the classifier on the other side of the topics (the gateway must not
 * depend on the classifier module); the full pipeline is tested in triage-cli.
 */
class ClassifyApiIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static GatewayService gateway;
    static Responder responder;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), Topics.defaults().withPrefix("api-it."), 3, (short) 1);
        gateway = GatewayService.start(new GatewayConfig(settings,
                new MongoSettings("mongodb://localhost:1", "unused", "queries", "results", "pipeline_state", "stats"),
                "localhost", 0, Duration.ofSeconds(2), 64 * 1024, false, Duration.ofSeconds(30),
                new ChangeStreamRelay.Settings(Duration.ofMillis(100), 1000, Duration.ofSeconds(1))));
        responder = new Responder(settings);
        responder.thread.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        responder.running = false;
        responder.thread.join();
        gateway.close();
        kafka.close();
    }

    @Test
    void answersWithTheOriginalBodyPlusTheClassification() throws Exception {
        HttpResponse<String> response = post("/classify", """
                {"conversation_number": "123", "messages": [{"sender": "customer", "text": "Where is my order?"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.get("conversation_number").asText()).isEqualTo("123");
        assertThat(body.get("messages").get(0).get("text").asText()).isEqualTo("Where is my order?");
        assertThat(body.get("classification").get("intent").asText()).isEqualTo("echo-123");
        assertThat(body.get("classification").get("topic").asText()).isEqualTo("order");
        assertThat(body.get("classification").get("sentiment").asText()).isEqualTo("neutral");
    }

    @Test
    void concurrentClientsEachGetTheirOwnAnswer() {
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 60).mapToObj(i -> http.sendAsync(
                request("/classify", "{\"conversation_number\": \"c-" + i + "\", \"messages\": [{\"sender\": \"customer\", \"text\": \"hi\"}]}"),
                HttpResponse.BodyHandlers.ofString())).toList();

        for (int i = 0; i < responses.size(); i++) {
            HttpResponse<String> response = responses.get(i).join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).get("classification").get("intent").asText())
                    .isEqualTo("echo-c-" + i);
        }
    }

    @Test
    void aRecordCausedFailureIs422WithTheErrorCode() throws Exception {
        HttpResponse<String> response = post("/classify",
                "{\"conversation_number\": \"p-1\", \"messages\": [{\"sender\": \"customer\", \"text\": \"poison\"}]}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertError(response, "INVALID_PAYLOAD", "poisoned");
    }

    @Test
    void noReplyInTimeIs504() throws Exception {
        HttpResponse<String> response = post("/classify",
                "{\"conversation_number\": \"q-1\", \"messages\": [{\"sender\": \"customer\", \"text\": \"silence\"}]}");

        assertThat(response.statusCode()).isEqualTo(504);
        assertError(response, "Timeout", "q-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{broken", "", "null", "42", "[{\"sender\": \"customer\", \"text\": \"hi\"}]",
            "{\"conversation_number\": \"1\"}",
            "{\"conversation_number\": \"1\", \"messages\": []}",
            "{\"conversation_number\": \"1\", \"messages\": {\"sender\": \"customer\"}}",
            "{\"conversation_number\": \"1\", \"messages\": [{\"sender\": \"customer\"}]}",
            "{\"conversation_number\": \"1\", \"messages\": [{\"sender\": 1, \"text\": \"hi\"}]}",
            "{\"conversation_number\": \"1\", \"messages\": [{\"sender\": \"customer\", \"text\": [\"hi\"]}]}",
            "{\"conversation_number\": true, \"messages\": [{\"sender\": \"customer\", \"text\": \"hi\"}]}",
            "{\"messages\": [{\"sender\": \"customer\", \"text\": \"hi\"}]} trailing"})
    void badBodiesAre400InTheErrorFormat(String body) throws Exception {
        HttpResponse<String> response = post("/classify", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "ValidationError", "");
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsSent() throws Exception {
        // only the headers and the first byte of a 10 MB body go out: the answer must not wait for the rest
        try (Socket socket = new Socket("localhost", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /classify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10000000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(400), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 413").contains("PayloadTooLarge", "65536");
        }
    }

    @Test
    void healthAndUnknownEndpoints() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(uri("/nope")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"ok\"");
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(uri("/classify")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertError(unknown, "NotFound", "/nope");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertError(wrongMethod, "MethodNotAllowed", "");
    }

    private static void assertError(HttpResponse<String> response, String type, String messagePart) {
        JsonNode error = Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).get("error");
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("message").asText()).contains(messagePart);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + gateway.port() + path);
    }

    /** Answers each request on its reply headers: an echo, an error for "poison", nothing for "silence". */
    static final class Responder implements Runnable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final KafkaProducer<byte[], byte[]> producer;
        final Topics topics;
        final Thread thread = new Thread(this, "responder");
        volatile boolean running = true;

        Responder(KafkaSettings settings) {
            topics = settings.topics();
            consumer = KafkaClients.consumer(settings, "responder", "responder", 100);
            producer = KafkaClients.producer(settings, "responder");
        }

        @Override
        public void run() {
            consumer.subscribe(List.of(topics.conversations()));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    reply(r);
                }
            }
            consumer.close();
            producer.close();
        }

        private void reply(ConsumerRecord<byte[], byte[]> request) {
            ConversationEnvelope c = Json.decode(request.value(), ConversationEnvelope.class);
            String text = c.messages().get(0).text();
            if (text.equals("silence")) {
                return;
            }
            RecordHeaders headers = new RecordHeaders();
            TriageHeaders.put(headers, TriageHeaders.CORRELATION_ID, TriageHeaders.get(request.headers(), TriageHeaders.CORRELATION_ID));
            Object body;
            if (text.equals("poison")) {
                TriageHeaders.put(headers, TriageHeaders.ERROR_CODE, "INVALID_PAYLOAD");
                body = new ErrorReply("INVALID_PAYLOAD", "poisoned conversation");
            } else {
                body = new ClassificationResult(1, c.id(), c.idType(), c.source(),
                        new Classification("echo-" + c.id(), "order", "neutral"), "responder", "t", 1, 0, null, Instant.now());
            }
            producer.send(new ProducerRecord<>(TriageHeaders.get(request.headers(), TriageHeaders.REPLY_TO),
                    Integer.valueOf(TriageHeaders.get(request.headers(), TriageHeaders.REPLY_PARTITION)),
                    request.key(), Json.encode(body), headers));
        }
    }
}
