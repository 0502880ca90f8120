package dev.triage.gateway;

import dev.triage.gateway.GatewayStack.Api;
import dev.triage.localstack.EmbeddedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.triage.gateway.GatewayStack.Api.assertError;
import static dev.triage.gateway.GatewayStack.Api.conversation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker goes away under a running gateway: callers get 503 in seconds, whether their
 * conversation waits for metadata (2 s) or was already buffered for a broker that no longer
 * answers (10 s; with Kafka's default two-minute delivery timeout this one was 504 after
 * CLASSIFY_TIMEOUT), /ready says why, and once the broker is back on its port the same gateway
 * answers 200 again. Which of the two a request meets depends on how soon the producer notices
 * the broker is gone; both must be 503.
 */
class KafkaOutageIT {

    @TempDir
    Path dir;
    GatewayStack stack;
    EmbeddedKafka restarted;

    @AfterEach
    void stop() throws InterruptedException {
        stack.close();
        if (restarted != null) {
            restarted.close();
        }
    }

    @Test
    void whileKafkaIsAwayRequestsAre503AtOnceAndAfterItTheyAreAnsweredAgain() throws Exception {
        stack = new GatewayStack(dir, "outage-it.");
        Api api = new Api(stack.gateway(Map.of("GATEWAY_INSTANCE_ID", "gw-outage", "CLASSIFY_TIMEOUT", "60s")));
        assertThat(api.post("/classify", conversation("k-1", "hello")).statusCode()).isEqualTo(200);
        int port = Integer.parseInt(stack.kafka.bootstrapServers().substring(stack.kafka.bootstrapServers().lastIndexOf(':') + 1));

        stack.kafka.close();

        long started = System.nanoTime();
        HttpResponse<String> sync = api.post("/classify", conversation("k-2", "hello"));
        HttpResponse<String> async = api.post("/classify?mode=async", conversation("k-3", "hello"));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertError(sync, 503, "Unavailable", "retry");
        assertThat(sync.headers().firstValue("Retry-After")).isPresent();
        assertError(async, 503, "Unavailable", "retry");
        assertThat(tookMs).isLessThan(20_000);
        assertThat(api.get("/ready").statusCode()).isEqualTo(503);
        assertThat(api.get("/health").statusCode()).isEqualTo(200);

        restarted = EmbeddedKafka.start(port, dir.resolve("kafka"));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> api.post("/classify", conversation("k-4", "hello")).statusCode() == 200);
        assertThat(api.get("/ready").statusCode()).isEqualTo(200);
    }
}
