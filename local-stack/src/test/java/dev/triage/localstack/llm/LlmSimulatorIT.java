package dev.triage.localstack.llm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
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

    private static LlmSimulator start(Faults faults) {
        return LlmSimulator.start(0, faults, List.of("m"), 1);
    }

    private Timed chat(String text) {
        return chatAsync(text).join();
    }

    private CompletableFuture<Timed> chatAsync(String text) {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}],\"stream\":false}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + "/api/chat")).timeout(Duration.ofSeconds(8))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Timed(r, (System.nanoTime() - sent) / 1_000_000));
    }

    private record Timed(HttpResponse<String> response, long millis) {
    }
}
