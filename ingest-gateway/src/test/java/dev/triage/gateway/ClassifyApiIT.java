package dev.triage.gateway;

import dev.triage.gateway.GatewayStack.Api;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.triage.gateway.GatewayStack.Api.assertError;
import static dev.triage.gateway.GatewayStack.Api.conversation;
import static dev.triage.gateway.GatewayStack.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /classify} as a client sees it: the real gateway on a free port and a real broker. */
class ClassifyApiIT {

    @TempDir
    static Path dir;
    static GatewayStack stack;
    static Api api;

    @BeforeAll
    static void start() {
        stack = new GatewayStack(dir, "api-it.");
        api = new Api(stack.gateway(Map.of()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        stack.close();
    }

    @Test
    void answersWithTheOriginalBodyPlusTheClassification() throws Exception {
        HttpResponse<String> response = api.post("/classify", """
                {"conversation_number": "123", "messages": [{"sender": "customer", "text": "Where is my order?"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("X-Request-Id")).hasValueSatisfying(v -> assertThat(v).hasSize(36));
        assertThat(json(response).get("conversation_number").asText()).isEqualTo("123");
        assertThat(json(response).get("messages").get(0).get("text").asText()).isEqualTo("Where is my order?");
        assertThat(json(response).get("classification").get("intent").asText()).isEqualTo("echo-123");
        assertThat(json(response).get("classification").get("topic").asText()).isEqualTo("order");
        assertThat(json(response).get("classification").get("sentiment").asText()).isEqualTo("neutral");
        assertThat(json(response).get("model").asText()).isEqualTo("responder");
        assertThat(json(response).has("provenance")).as("a result that does not say where it comes from").isFalse();
    }

    @Test
    void besideTheOriginalFieldsTheAnswerSaysWhichTierAnsweredAndHowSure() throws Exception {
        HttpResponse<String> response = api.post("/classify", """
                {"conversation_number": "p-1", "messages": [{"sender": "customer", "text": "learned"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        var body = json(response);
        assertThat(body.get("classification").get("intent").asText()).isEqualTo("feedback");
        assertThat(body.get("model").asText()).isEqualTo("learned:m");
        assertThat(body.get("provenance").get("tier").asText()).isEqualTo("learned");
        assertThat(body.get("provenance").get("confidence").get("intent").asDouble()).isEqualTo(0.91);
        assertThat(body.get("provenance").get("cached").asBoolean()).isFalse();
    }

    @Test
    void theCorrelationIdSentToKafkaIsTheRequestId() throws Exception {
        HttpResponse<String> response = api.post("/classify", conversation("corr-1", "hello"));

        String sent = dev.triage.core.kafka.TriageHeaders.get(stack.responder.seen.get("corr-1").headers(),
                dev.triage.core.kafka.TriageHeaders.CORRELATION_ID);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue(sent);
    }

    @Test
    void concurrentClientsEachGetTheirOwnAnswer() {
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 100).mapToObj(i -> Api.HTTP.sendAsync(
                api.request("/classify", conversation("c-" + i, "hi")), HttpResponse.BodyHandlers.ofString())).toList();

        for (int i = 0; i < responses.size(); i++) {
            HttpResponse<String> response = responses.get(i).join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("classification").get("intent").asText()).isEqualTo("echo-c-" + i);
        }
    }

    @Test
    void aRecordCausedFailureIs422WithTheErrorCode() throws Exception {
        assertError(api.post("/classify", conversation("p-1", "poison")), 422, "INVALID_PAYLOAD", "poisoned");
    }

    @Test
    void aModelThatAnswersNonsenseIs502WithTheErrorCode() throws Exception {
        assertError(api.post("/classify", conversation("n-1", "nonsense")), 502, "LLM_BAD_OUTPUT", "nonsense");
    }

    @Test
    void aConversationTheModelServerRefusesIs422() throws Exception {
        assertError(api.post("/classify", conversation("r-1", "refused")), 422, "LLM_REJECTED", "context too long");
    }

    @Test
    void aConversationLargerThanAKafkaRecordIs413NotARetry() throws Exception {
        Api roomy = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-roomy",
                "GATEWAY_MAX_BODY_BYTES", "4000000", "GATEWAY_MAX_TEXT_CHARS", "3000000")));

        HttpResponse<String> response = roomy.post("/classify", conversation("huge", "z".repeat(1_500_000)));

        assertError(response, 413, "PayloadTooLarge", "Kafka record");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void noReplyInTimeIs504AndSaysWhereTheResultWillBe() throws Exception {
        Api impatient = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-impatient", "CLASSIFY_TIMEOUT", "2s")));

        assertError(impatient.post("/classify", conversation("q 1", "silence")), 504, "Timeout", "/classifications/q%201");
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
            "{\"conversation_number\": \"1\", \"messages\": [{\"sender\": \"hacker\", \"text\": \"hi\"}]}",
            "{\"conversation_number\": true, \"messages\": [{\"sender\": \"customer\", \"text\": \"hi\"}]}",
            "{\"messages\": [{\"sender\": \"customer\", \"text\": \"hi\"}]} trailing"})
    void badBodiesAre400InTheErrorFormat(String body) throws Exception {
        assertError(api.post("/classify", body), 400, "ValidationError", "");
    }

    @Test
    void limitsAreEnforcedAndNamed() throws Exception {
        String manyMessages = "{\"messages\": [" + String.join(",", java.util.Collections.nCopies(201,
                "{\"sender\": \"agent\", \"text\": \"x\"}")) + "]}";
        String longText = conversation("long", "x".repeat(20_001));

        assertError(api.post("/classify", manyMessages), 400, "ValidationError", "GATEWAY_MAX_MESSAGES");
        assertError(api.post("/classify", longText), 400, "ValidationError", "GATEWAY_MAX_TEXT_CHARS");
        assertError(api.post("/classify?mode=later", conversation("m", "hi")), 400, "ValidationError", "mode must be sync or async");
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsSent() throws Exception {
        // only the headers and the first byte of a 10 MB body go out: the answer must not wait for the rest
        try (Socket socket = new Socket("localhost", api.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /classify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10000000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(400), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 413").contains("PayloadTooLarge", "65536");
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIs413Too() throws Exception {
        HttpResponse<String> response = Api.HTTP.send(java.net.http.HttpRequest.newBuilder(api.uri("/classify"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(conversation("big", "y".repeat(100_000)).getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertError(response, 413, "PayloadTooLarge", "larger than 65536 bytes (GATEWAY_MAX_BODY_BYTES)");
    }

    @Test
    void healthAndUnknownEndpoints() throws Exception {
        HttpResponse<String> health = api.get("/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"ok\"");
        assertError(api.get("/nope"), 404, "NotFound", "no such endpoint: GET /nope; /openapi.json lists the endpoints");
        assertError(api.get("/classify"), 405, "MethodNotAllowed", "GET is not allowed on /classify");
        assertThat(api.get("/nope").body()).startsWith("{\"error\":{\"type\":");
    }
}
