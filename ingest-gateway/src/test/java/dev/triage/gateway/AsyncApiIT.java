package dev.triage.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.gateway.GatewayStack.Api;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.triage.gateway.GatewayStack.Api.assertError;
import static dev.triage.gateway.GatewayStack.Api.conversation;
import static dev.triage.gateway.GatewayStack.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Fire and forget: {@code ?mode=async}, {@code POST /conversations}, {@code GET /classifications/{id}}. */
class AsyncApiIT {

    @TempDir
    static Path dir;
    static GatewayStack stack;
    static Api api;

    @BeforeAll
    static void start() {
        stack = new GatewayStack(dir, "async-it.");
        api = new Api(stack.gateway(Map.of("GATEWAY_MAX_BATCH", "5")));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        stack.close();
    }

    @Test
    void asyncModeAnswers202AndTheResultAppearsOnceStored() throws Exception {
        HttpResponse<String> accepted = api.post("/classify?mode=async", conversation("a-1", "my card was charged twice"));

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(json(accepted).get("status").asText()).isEqualTo("accepted");
        assertThat(accepted.headers().firstValue("Location")).hasValue("/classifications/a-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.responder.seen.containsKey("a-1"));
        ConversationEnvelope sent = Json.decode(stack.responder.seen.get("a-1").value(), ConversationEnvelope.class);
        assertThat(sent.messages().get(0).text()).isEqualTo("my card was charged twice");
        assertThat(TriageHeaders.get(stack.responder.seen.get("a-1").headers(), TriageHeaders.REPLY_TO)).isNull();

        assertError(api.get("/classifications/a-1"), 404, "NotFound", "a-1");
        stack.results().insertOne(new Document("query_id", "a-1")
                .append("classification", new Document("intent", "billing_issue").append("topic", "payment").append("sentiment", "negative"))
                .append("model", "m").append("taxonomy_version", "support-v1").append("source", "api")
                .append("processed_at", new Date(0)));

        HttpResponse<String> stored = api.get("/classifications/a-1");
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(json(stored).get("status").asText()).isEqualTo("classified");
        assertThat(json(stored).get("classification").get("intent").asText()).isEqualTo("billing_issue");
        assertThat(json(stored).get("processed_at").asText()).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void aConversationThatWasDeadLetteredShowsAsFailedWithItsError() throws Exception {
        stack.results().insertOne(new Document("query_id", "f-1").append("status", "failed")
                .append("error", new Document("code", "LLM_BAD_OUTPUT").append("message", "no valid answer in 3 attempts"))
                .append("source", "api").append("failed_at", new Date(0)));

        HttpResponse<String> stored = api.get("/classifications/f-1");

        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(json(stored).get("status").asText()).isEqualTo("failed");
        assertThat(json(stored).get("error").get("type").asText()).isEqualTo("LLM_BAD_OUTPUT");
        assertThat(json(stored).get("error").get("message").asText()).contains("3 attempts");
        assertThat(json(stored).has("classification")).isFalse();
    }

    @Test
    void aMissingConversationNumberIsGeneratedAndReturned() throws Exception {
        HttpResponse<String> accepted = api.post("/classify?mode=async", "{\"messages\": [{\"sender\": \"customer\", \"text\": \"hi\"}]}");

        String id = json(accepted).get("conversation_number").asText();
        assertThat(id).hasSize(36);
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.responder.seen.containsKey(id));
    }

    @Test
    void aBatchIsAcceptedWhole() throws Exception {
        String body = IntStream.range(0, 5).mapToObj(i -> conversation("b-" + i, "text " + i))
                .collect(Collectors.joining(",", "[", "]"));

        HttpResponse<String> accepted = api.post("/conversations", body);

        assertThat(accepted.statusCode()).isEqualTo(202);
        JsonNode list = json(accepted).get("accepted");
        assertThat(list).hasSize(5);
        assertThat(list.get(3).get("result_url").asText()).isEqualTo("/classifications/b-3");
        await().atMost(Duration.ofSeconds(10)).until(() -> IntStream.range(0, 5).allMatch(i -> stack.responder.seen.containsKey("b-" + i)));
    }

    @Test
    void aBadBatchIsRejectedWholeNamingTheEntry() throws Exception {
        String oneBad = "[" + conversation("x-0", "ok") + ", {\"conversation_number\": \"x-1\", \"messages\": []}]";
        String twice = "[" + conversation("y-0", "ok") + "," + conversation("y-0", "again") + "]";
        String tooMany = IntStream.range(0, 6).mapToObj(i -> conversation("z-" + i, "t")).collect(Collectors.joining(",", "[", "]"));

        assertError(api.post("/conversations", oneBad), 400, "ValidationError", "conversations[1].messages must not be empty");
        assertError(api.post("/conversations", twice), 400, "ValidationError", "appears twice");
        assertError(api.post("/conversations", tooMany), 400, "ValidationError", "1 to 5 conversations (GATEWAY_MAX_BATCH), was 6");
        assertError(api.post("/conversations", "[]"), 400, "ValidationError", "was 0");
        assertError(api.post("/conversations", conversation("o", "object")), 400, "ValidationError", "JSON array");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> !stack.responder.seen.containsKey("x-0") && !stack.responder.seen.containsKey("y-0"));
    }
}
