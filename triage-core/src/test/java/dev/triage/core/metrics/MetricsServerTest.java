package dev.triage.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.lifecycle.Liveness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesThePrometheusPageAndRefusesOtherMethods() throws Exception {
        TriageMetrics.registry().counter("triage_test_events").increment();
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, Liveness.ALIVE)) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue(TriageMetrics.CONTENT_TYPE);
            assertThat(page.body()).contains("triage_test_events_total 1.0").contains("jvm_memory_used_bytes");

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void healthIsOkWhileTheServiceIsAliveAndDownWithTheReasonOnceItIsNot() throws Exception {
        AtomicReference<String> problem = new AtomicReference<>();
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, problem::get)) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/health");

            HttpResponse<String> alive = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(alive.statusCode()).isEqualTo(200);
            assertThat(alive.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(alive.body()).isEqualTo("{\"status\":\"ok\"}");

            problem.set("loop died: java.lang.IllegalStateException: \"quoted\" \\ and\nnew line");
            HttpResponse<String> dead = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(dead.statusCode()).isEqualTo(503);
            JsonNode body = Json.tree(dead.body().getBytes(StandardCharsets.UTF_8));
            assertThat(body.get("status").asText()).isEqualTo("down");
            assertThat(body.get("reason").asText()).isEqualTo(problem.get());
        }
    }
}
