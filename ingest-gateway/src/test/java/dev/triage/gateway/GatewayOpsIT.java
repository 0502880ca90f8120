package dev.triage.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.lifecycle.Liveness;
import dev.triage.gateway.GatewayStack.Api;
import dev.triage.localstack.testing.KafkaTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static dev.triage.gateway.GatewayStack.Api.conversation;
import static dev.triage.gateway.GatewayStack.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

/** What operators see: readiness, metrics, the API description, and instances side by side. */
class GatewayOpsIT {

    @TempDir
    static Path dir;
    static GatewayStack stack;
    static Api api;

    @BeforeAll
    static void start() {
        stack = new GatewayStack(dir, "ops-it.");
        api = new Api(stack.gateway(Map.of("RELAY_ENABLED", "true")));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        stack.close();
    }

    @Test
    void readyChecksTheReplyListenerKafkaMongoAndTheRelay() throws Exception {
        HttpResponse<String> ready = api.get("/ready");

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(json(ready).get("checks").toString())
                .isEqualTo("{\"reply_listener\":\"ok\",\"kafka\":\"ok\",\"mongodb\":\"ok\",\"relay\":\"ok\"}");
    }

    @Test
    void notReadyWhenMongoIsAway() throws Exception {
        Api unlucky = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-nomongo", "RELAY_ENABLED", "true",
                "MONGODB_URI", "mongodb://localhost:1/?serverSelectionTimeoutMS=500")));

        HttpResponse<String> ready = unlucky.get("/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready).get("status").asText()).isEqualTo("not_ready");
        assertThat(json(ready).get("checks").get("kafka").asText()).isEqualTo("ok");
        assertThat(json(ready).get("error").get("type").asText()).isEqualTo("NotReady");
        assertThat(json(ready).get("error").get("message").asText()).startsWith("mongodb: ");
        assertThat(unlucky.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void healthIsOkWhileEverythingRunsAndDownWithTheReasonWhenAPartBesideItDied() throws Exception {
        AtomicReference<String> sinkProblem = new AtomicReference<>();
        GatewayService gateway = stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-health"),
                Liveness.all(Map.of("sink", sinkProblem::get)));
        Api beside = new Api(gateway);

        HttpResponse<String> alive = beside.get("/health");
        assertThat(alive.statusCode()).isEqualTo(200);
        assertThat(alive.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(gateway.problem()).isNull();

        sinkProblem.set("the result loop stopped: org.apache.kafka.common.KafkaException: \"no\"");
        HttpResponse<String> down = beside.get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json(down).get("status").asText()).isEqualTo("down");
        assertThat(json(down).get("reason").asText()).isEqualTo("sink: " + sinkProblem.get());
        assertThat(gateway.problem()).isEqualTo("sink: " + sinkProblem.get());
    }

    @Test
    void metricsCountRequestsByRouteAndStatus() throws Exception {
        api.post("/classify", conversation("m-1", "hello"));
        api.post("/classify", "{broken");
        api.get("/classifications/some-id");

        String page = api.get("/metrics").body();
        String http = page.lines().filter(l -> l.startsWith("triage_http_requests_seconds_count")).reduce("", (a, b) -> a + b + "\n");

        assertThat(metric(page, "triage_http_requests_seconds_count{method=\"POST\",route=\"/classify\",status=\"200\"}")).as(http).isGreaterThanOrEqualTo(1);
        assertThat(metric(page, "triage_http_requests_seconds_count{method=\"POST\",route=\"/classify\",status=\"400\"}")).isGreaterThanOrEqualTo(1);
        assertThat(page).contains("route=\"/classifications/{id}\",status=\"404\"").doesNotContain("some-id");
        assertThat(page).contains("triage_gateway_pending{instance=\"gw-main\"} 0");
        assertThat(page).contains("kafka_producer_");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteAndTheDocsPageRendersIt() throws Exception {
        JsonNode spec = json(api.get("/openapi.json"));
        List<String> paths = new ArrayList<>();
        spec.get("paths").fieldNames().forEachRemaining(paths::add);

        assertThat(spec.get("openapi").asText()).startsWith("3.");
        assertThat(paths).containsExactlyInAnyOrder("/classify", "/conversations", "/classifications/{id}", "/stats",
                "/health", "/ready", "/metrics", "/openapi.json", "/docs");
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String concrete = path.getKey().replace("{id}", "x");
            path.getValue().fieldNames().forEachRemaining(method -> {
                HttpResponse<String> response = call(method, concrete);
                assertThat(response.statusCode()).as(method + " " + concrete).isNotIn(405, 500);
                assertThat(response.body()).as(method + " " + concrete).doesNotContain("no such endpoint");
                assertThat(path.getValue().get(method).get("responses").has(String.valueOf(response.statusCode())))
                        .as("documented status %s for %s %s", response.statusCode(), method, concrete).isTrue();
            });
        }
        String docs = api.get("/docs").body();
        assertThat(docs).startsWith("<!doctype html>").contains("POST /classify", "GET /classifications/{id}", "Retry-After");
    }

    @Test
    void twoInstancesSideBySideEachReadOnlyTheirOwnReplies() throws Exception {
        Api second = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-second")));
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 40).mapToObj(i -> Api.HTTP.sendAsync(
                (i % 2 == 0 ? api : second).request("/classify", conversation("two-" + i, "hi")),
                HttpResponse.BodyHandlers.ofString())).toList();

        for (int i = 0; i < responses.size(); i++) {
            HttpResponse<String> response = responses.get(i).join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("classification").get("intent").asText()).isEqualTo("echo-two-" + i);
        }
        try (KafkaTestClient kafka = new KafkaTestClient(stack.kafka.bootstrapServers())) {
            List<String> secondsReplies = kafka.readAvailable("ops-it.replies.gw-second").stream()
                    .map(r -> new String(r.key())).toList();
            assertThat(secondsReplies).hasSize(20).allMatch(key -> Integer.parseInt(key.substring(4)) % 2 == 1);
            assertThat(stack.responder.seen.get("two-1").headers().lastHeader(TriageHeaders.REPLY_TO)).isNotNull();
        }
    }

    private static HttpResponse<String> call(String method, String path) {
        try {
            return method.equals("get") ? api.get(path) : api.post(path, conversation("doc-" + path.length(), "hi"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double metric(String page, String series) {
        return page.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElse(-1);
    }
}
