package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.localstack.llm.Faults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A synchronous caller while the model server is down, on the whole embedded stack with the LLM
 * simulator over HTTP: it hears 502 within seconds (not after {@code CLASSIFY_TIMEOUT}), and its
 * conversation is classified and stored once the server is back.
 */
class ModelOutageIT {

    @TempDir
    static Path dir;
    static Faults faults = new Faults().down(true);
    static LocalStack stack;
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        stack = LocalStack.start(new Env(Map.of("LLM_RETRY_ATTEMPTS", "2", "LLM_RETRY_BASE_DELAY", "100ms",
                "LLM_BREAKER_WAIT", "1s")), new LocalStack.Options(0, 0, 0, dir, faults));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aCallerHearsAtOnceThatTheModelIsAwayAndTheConversationIsClassifiedWhenItIsBack() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = post("out-1", "My card was charged twice, I want a refund");
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).get("error");
        assertThat(error.get("type").asText()).isEqualTo("LLM_UNAVAILABLE");
        assertThat(error.get("message").asText()).contains("not answering").contains("/classifications/out-1")
                .doesNotContain("http://"); // the model server's address is not the caller's business
        assertThat(tookMs).isLessThan(20_000); // CLASSIFY_TIMEOUT is 200 s
        assertThat(get("/classifications/out-1").statusCode()).isEqualTo(404);

        // the first conversation waits in the classifier's queue; a second caller is not stuck behind it
        HttpResponse<String> second = post("out-2", "Where is my parcel?");
        assertThat(second.statusCode()).isEqualTo(502);

        faults.down(false);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> stored = get("/classifications/out-1");
            assertThat(stored.statusCode()).isEqualTo(200);
            JsonNode body = Json.tree(stored.body().getBytes(StandardCharsets.UTF_8));
            assertThat(body.get("status").asText()).isEqualTo("classified");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/classifications/out-2").statusCode() == 200);
        assertThat(post("out-3", "Please close my account").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> post(String id, String text) throws Exception {
        String body = "{\"conversation_number\": \"" + id + "\", \"messages\": [{\"sender\": \"customer\", \"text\": \""
                + text + "\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.gatewayPort() + "/classify"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.gatewayPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
