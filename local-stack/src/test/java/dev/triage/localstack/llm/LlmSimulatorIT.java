package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The simulator as a model client sees it: the real server on a free port, real HTTP calls to {@code /api/chat}. */
class LlmSimulatorIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private LlmSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void capacityQueuesRequestsAndTheirLatencyStartsWithASlot() {
        sim = start(new Faults().capacity(2).latencyMs(200));

        List<CompletableFuture<Timed>> calls = IntStream.range(0, 6).mapToObj(i -> chatAsync("ticket " + i)).toList();
        List<Timed> answers = calls.stream().map(CompletableFuture::join).toList();

        assertThat(answers).allSatisfy(a -> assertThat(a.response.statusCode()).isEqualTo(200));
        // Three waves of two: the last answers come after about 600 ms.
        assertThat(answers.stream().mapToLong(Timed::millis).max().orElseThrow()).isGreaterThanOrEqualTo(500);
        assertThat(answers.stream().mapToLong(Timed::millis).min().orElseThrow()).isGreaterThanOrEqualTo(190);
        assertThat(sim.peakProcessing()).isEqualTo(2);
        assertThat(sim.latencyPercentileMs(1.0)).isGreaterThanOrEqualTo(500);
        assertThat(sim.latencyPercentileMs(0.0)).isGreaterThanOrEqualTo(190).isLessThan(500);
    }

    @Test
    void aHungRequestHoldsNoSlot() {
        sim = start(new Faults().capacity(1).hangRate(1.0));
        CompletableFuture<Timed> hung = chatAsync("lost");
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.requests() == 1);

        sim.faults().hangRate(0).errorRate(1.0);
        assertThat(chat("fails at once").response.statusCode()).isEqualTo(500);
        sim.faults().errorRate(0);
        assertThat(chat("served").response.statusCode()).isEqualTo(200);
        assertThat(hung).isNotDone();
    }

    @Test
    void rpmAnswers429WithRetryAfterOnceTheBucketIsEmpty() {
        sim = start(new Faults().rpm(60));

        Timed first = chat("one");
        Timed second = chat("two");

        assertThat(first.response.statusCode()).isEqualTo(200);
        assertThat(second.response.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(second.response.headers().firstValue("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(1);
        assertThat(second.response.body()).contains("rate limit: 60 requests per minute");
        assertThat(sim.rateLimited()).isEqualTo(1);
    }

    @Test
    void aPoisonConversationAlwaysFails() {
        sim = start(new Faults().poisonText("(?i)segfault"));

        Timed poisoned = chat("my app shows SEGFAULT on start");
        Timed fine = chat("where is my parcel?");

        assertThat(poisoned.response.statusCode()).isEqualTo(500);
        assertThat(poisoned.response.body()).contains("simulated poison conversation");
        assertThat(fine.response.statusCode()).isEqualTo(200);
        assertThat(sim.serverErrors()).isEqualTo(1);
    }

    @Test
    void aPoisonWordInAFewShotExampleDoesNotPoisonTheConversation() {
        sim = start(new Faults().poisonText("(?i)segfault"));

        Timed fine = chat("<examples> my app shows SEGFAULT </examples> Classify <conversation> where is my parcel? </conversation>");
        Timed poisoned = chat("<examples> where is my parcel? </examples> Classify <conversation> SEGFAULT again </conversation>");

        assertThat(fine.response.statusCode()).isEqualTo(200);
        assertThat(poisoned.response.statusCode()).isEqualTo(500);
    }

    @Test
    void statsCountAnswersByKindUntilReset() {
        sim = start(new Faults().latencyMs(20).poisonText("boom"));
        chat("ok 1");
        chat("ok 2");
        chat("boom");
        sim.faults().rateLimitRate(1.0);
        chat("limited");

        assertThat(sim.requests()).isEqualTo(4);
        assertThat(sim.serverErrors()).isEqualTo(1);
        assertThat(sim.rateLimited()).isEqualTo(1);
        assertThat(sim.latencyPercentileMs(0.5)).isGreaterThanOrEqualTo(20);

        sim.resetStats();
        assertThat(List.of(sim.requests(), sim.serverErrors(), sim.rateLimited())).containsOnly(0L);
        assertThat(sim.latencyPercentileMs(0.5)).isNaN();
    }

    @Test
    void callsAreCountedPerConversationAcrossRetriesAnsweredApartFromFaulted() throws Exception {
        sim = start(new Faults().poisonText("boom"));
        List<Map<String, String>> parcel = prompt("where is my parcel?");
        assertThat(chat(parcel).response.statusCode()).isEqualTo(200);
        List<Map<String, String>> corrected = new ArrayList<>(parcel); // a correction turn keeps the first user message
        corrected.add(Map.of("role", "assistant", "content", "{}"));
        corrected.add(Map.of("role", "user", "content", "That answer is invalid."));
        assertThat(chat(corrected).response.statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(chat(prompt("boom goes the app")).response.statusCode()).isEqualTo(500);
        }
        assertThat(chat(prompt("refund please")).response.statusCode()).isEqualTo(200);

        JsonNode calls = Json.tree(get("/calls?top=1").body().getBytes(StandardCharsets.UTF_8));

        assertThat(calls.get("conversations").asInt()).isEqualTo(3);
        assertThat(calls.get("calls").asInt()).isEqualTo(6);
        assertThat(calls.get("answered").asInt()).isEqualTo(3);
        assertThat(calls.get("faulted").asInt()).isEqualTo(3);
        assertThat(calls.get("repeated").asInt()).isEqualTo(2);
        assertThat(calls.get("answered_more_than_once").asInt()).isEqualTo(1);
        assertThat(calls.get("max_calls").asInt()).isEqualTo(3);
        assertThat(calls.get("max_answered").asInt()).isEqualTo(2);
        assertThat(calls.get("by_conversation")).hasSize(1);
        JsonNode most = calls.get("by_conversation").elements().next();
        assertThat(List.of(most.get("calls").asInt(), most.get("answered").asInt(), most.get("faulted").asInt()))
                .containsExactly(3, 0, 3);
        assertThat(Json.tree(get("/calls").body().getBytes(StandardCharsets.UTF_8)).has("by_conversation")).isFalse();
    }

    @Test
    void aHungCallIsNotCountedAndABadTopIsRefused() throws Exception {
        sim = start(new Faults().hangRate(1.0));
        CompletableFuture<Timed> hung = chatAsync(prompt("lost"));
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.requests() == 1);

        assertThat(sim.calls(10).calls()).isZero();
        assertThat(hung).isNotDone();
        HttpResponse<String> refused = get("/calls?top=many");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("top=N");
    }

    @Test
    void theCallsLogHasALinePerAnsweredCall(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("calls.tsv");
        sim = LlmSimulator.start(0, new Faults().poisonText("boom"), List.of("m"), 1, CallsLog.toFile(log));
        chat(prompt("hello"));
        chat(prompt("boom"));
        chat(prompt("hello"));
        String key = sim.calls(1).byConversation().keySet().iterator().next();
        sim.close();

        List<String[]> lines = Files.readAllLines(log).stream().map(l -> l.split("\t")).toList();
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).hasSize(3));
        assertThat(lines).extracting(l -> l[1]).containsExactly("200", "500", "200");
        assertThat(lines.get(0)[0]).isEqualTo(lines.get(2)[0]).isEqualTo(key).isNotEqualTo(lines.get(1)[0]);
        assertThat(Instant.parse(lines.get(0)[2])).isBefore(Instant.now().plusSeconds(1));
    }

    private static LlmSimulator start(Faults faults) {
        return LlmSimulator.start(0, faults, List.of("m"), 1);
    }

    /** The messages the classifier sends about a one-message conversation. */
    private static List<Map<String, String>> prompt(String text) {
        return List.of(Map.of("role", "system", "content", "You label customer-support conversations."),
                Map.of("role", "user", "content", "Classify this customer-support conversation.\n<conversation>\n"
                        + Json.encodeToString(List.of(Map.of("sender", "customer", "text", text))) + "\n</conversation>"));
    }

    private Timed chat(List<Map<String, String>> messages) {
        return chatAsync(messages).join();
    }

    private CompletableFuture<Timed> chatAsync(List<Map<String, String>> messages) {
        return post(Json.encodeToString(Map.of("model", "m", "messages", messages, "stream", false)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sim.url() + path)).timeout(Duration.ofSeconds(8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Timed chat(String text) {
        return chatAsync(text).join();
    }

    private CompletableFuture<Timed> chatAsync(String text) {
        return post("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}],\"stream\":false}");
    }

    private CompletableFuture<Timed> post(String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + "/api/chat")).timeout(Duration.ofSeconds(8))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Timed(r, (System.nanoTime() - sent) / 1_000_000));
    }

    private record Timed(HttpResponse<String> response, long millis) {
    }
}
