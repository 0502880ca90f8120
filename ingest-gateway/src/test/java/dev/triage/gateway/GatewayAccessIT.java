package dev.triage.gateway;

import dev.triage.core.metrics.TriageMetrics;
import dev.triage.gateway.GatewayStack.Api;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.triage.gateway.GatewayStack.Api.assertError;
import static dev.triage.gateway.GatewayStack.Api.conversation;
import static org.assertj.core.api.Assertions.assertThat;

/** Who gets in and how much: API keys, the per-client rate limit, the bound on waiting requests. */
class GatewayAccessIT {

    @TempDir
    static Path dir;
    static GatewayStack stack;

    @BeforeAll
    static void start() {
        stack = new GatewayStack(dir, "access-it.");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        stack.close();
    }

    @Test
    void withKeysConfiguredOnlyAValidKeyGetsIn() throws Exception {
        Api api = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-keys", "GATEWAY_API_KEYS", "alpha-key, beta-key")));
        String body = conversation("k-1", "hello");

        assertError(api.post("/classify", body), 401, "Unauthorized", "Authorization: Bearer");
        assertThat(api.post("/classify", body).headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertError(api.post("/classify", body, "Authorization", "Bearer gamma-key"), 401, "Unauthorized", "");
        assertError(api.post("/classify", body, "X-API-Key", "alpha-ke"), 401, "Unauthorized", "");
        assertError(api.get("/stats"), 401, "Unauthorized", "");
        assertError(api.get("/classifications/k-1"), 401, "Unauthorized", "");

        assertThat(api.post("/classify", body, "Authorization", "Bearer alpha-key").statusCode()).isEqualTo(200);
        assertThat(api.post("/classify", body, "X-API-Key", "beta-key").statusCode()).isEqualTo(200);
        for (String open : List.of("/health", "/ready", "/metrics", "/openapi.json", "/docs")) {
            assertThat(api.get(open).statusCode()).as(open).isEqualTo(200);
        }
    }

    @Test
    void withoutKeysEveryoneGetsIn() throws Exception {
        Api api = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-open")));

        assertThat(api.post("/classify", conversation("o-1", "hello")).statusCode()).isEqualTo(200);
    }

    @Test
    void beyondItsRateAClientGets429WithRetryAfterWhileOthersDoNot() throws Exception {
        Api api = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-rate", "GATEWAY_RATE_LIMIT", "5",
                "GATEWAY_API_KEYS", "one,two")));

        List<Integer> statuses = IntStream.range(0, 12).mapToObj(i -> Api.HTTP.sendAsync(
                api.getRequest("/classifications/none", "X-API-Key", "one"), HttpResponse.BodyHandlers.ofString()))
                .toList().stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();

        assertThat(statuses).contains(429).filteredOn(s -> s != 429).hasSizeLessThanOrEqualTo(10);
        HttpResponse<String> limited = IntStream.range(0, 10).mapToObj(i -> send(api, "one"))
                .filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertError(limited, 429, "RateLimited", "GATEWAY_RATE_LIMIT");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(send(api, "two").statusCode()).isNotEqualTo(429);
    }

    @Test
    void wrongKeysCountAgainstTheCallersAddress() {
        Api api = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-guess", "GATEWAY_RATE_LIMIT", "3",
                "GATEWAY_API_KEYS", "the-real-key")));

        List<Integer> statuses = IntStream.range(0, 8).mapToObj(i -> send(api, "guess-" + i)).map(HttpResponse::statusCode).toList();

        assertThat(statuses).contains(401, 429).doesNotContain(200);
    }

    @Test
    void beyondMaxPendingRequestsAre503AtOnce() throws Exception {
        Api api = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-pending", "GATEWAY_MAX_PENDING", "2",
                "CLASSIFY_TIMEOUT", "10s")));
        List<CompletableFuture<HttpResponse<String>>> waiting = IntStream.range(0, 2).mapToObj(i -> Api.HTTP.sendAsync(
                api.request("/classify", conversation("s-" + i, "silence")), HttpResponse.BodyHandlers.ofString())).toList();
        // the gateway's own count: the responder may see them late (its first assignment of a new topic)
        org.awaitility.Awaitility.await().until(() -> pending("gw-pending") == 2);

        long start = System.nanoTime();
        HttpResponse<String> rejected = api.post("/classify", conversation("s-2", "hello"));

        assertError(rejected, 503, "Unavailable", "too many requests are waiting");
        assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000); // not held until CLASSIFY_TIMEOUT
        waiting.forEach(w -> assertThat(w.join().statusCode()).isEqualTo(504));
        assertThat(api.post("/classify", conversation("s-3", "hello")).statusCode()).isEqualTo(200);
    }

    private static double pending(String instance) {
        Gauge gauge = TriageMetrics.registry().find("triage.gateway.pending").tag("instance", instance).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static HttpResponse<String> send(Api api, String key) {
        try {
            return api.get("/classifications/none", "X-API-Key", key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
