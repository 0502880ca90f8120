package dev.triage.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.gateway.GatewayService;
import dev.triage.localstack.EmbeddedKafka;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay through a long catch-up scan beside a second gateway, and through a MongoDB restart. */
class RelayRecoveryIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    RelayTestStack stack;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void start(TestInfo test, @TempDir Path mongoDir) {
        stack = new RelayTestStack(kafka.bootstrapServers(), test.getTestMethod().orElseThrow().getName(), mongoDir);
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    /** The scan lasts several lease times: the lease is renewed meanwhile, so the second gateway never scans too. */
    @Test
    void aLongCatchUpScanKeepsTheLeaseFromASecondGateway() {
        int queries = 30_000;
        for (int from = 0; from < queries; from += 5000) {
            int start = from;
            stack.queries.insertMany(IntStream.range(start, start + 5000).mapToObj(i -> new Document("_id", "q-" + i)
                    .append("text", "query " + i).append("processed", false)).toList());
        }
        Duration ttl = Duration.ofSeconds(2);
        long scanStarted = System.nanoTime();
        CompletableFuture<GatewayService> first = CompletableFuture.supplyAsync(() -> stack.gateway(ttl));
        await().atMost(Duration.ofSeconds(30)).until(() -> !stack.published().isEmpty());
        GatewayService second = stack.gateway(ttl);
        stack.awaitDistinct(queries, Duration.ofSeconds(180));
        long scanSeconds = (System.nanoTime() - scanStarted) / 1_000_000_000L;
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20)).until(() -> stack.published().size() == queries);
        assertThat(scanSeconds).as("the scan must outlast the lease for this test to mean anything")
                .isGreaterThan(ttl.toSeconds());
        assertThat(stack.publishedCounts()).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        first.join().close();
        second.close();
    }

    @Test
    void aRelayWhoseStreamFailsRestartsItselfAndReadyReportsItMeanwhile() throws Exception {
        insert(0, 5);
        GatewayService gateway = stack.gateway(Duration.ofSeconds(30));
        stack.awaitDistinct(5, Duration.ofSeconds(30));

        stack.stopMongo();
        await().atMost(Duration.ofSeconds(30)).until(() -> relayCheck(gateway).startsWith("not running"));
        stack.startMongo();
        insert(5, 10);
        stack.awaitDistinct(10, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> relayCheck(gateway).equals("ok"));
        assertThat(RelayTestStack.get(gateway, "/health").statusCode()).isEqualTo(200);
    }

    private static String relayCheck(GatewayService gateway) throws Exception {
        HttpResponse<String> ready = RelayTestStack.get(gateway, "/ready");
        JsonNode relay = Json.tree(ready.body().getBytes(StandardCharsets.UTF_8)).path("checks").path("relay");
        return relay.isMissingNode() ? "missing" : relay.asText();
    }

    private void insert(int from, int to) {
        stack.queries.insertMany(IntStream.range(from, to).mapToObj(i -> new Document("_id", "q-" + i)
                .append("text", "query " + i).append("processed", false)).toList());
    }
}
