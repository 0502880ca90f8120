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
import java.util.Map;
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
        String name = test.getTestMethod().orElseThrow().getName();
        stack = name.contains("RolledOut") || name.contains("Quiet") ? new RelayTestStack(kafka.bootstrapServers(), name, 60)
                : new RelayTestStack(kafka.bootstrapServers(), name, name.contains("Restart") ? mongoDir : null);
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    /**
     * The scan lasts longer than the lease: the lease is renewed meanwhile, so the second gateway
     * never scans too. (Before, the lease task ran the scan itself and renewed nothing meanwhile:
     * each gateway scanned, in turn, again and again.) The wait counts records by end offsets:
     * reading 80 000 records in a loop would starve the gateways of CPU on a small machine.
     */
    @Test
    void aLongCatchUpScanKeepsTheLeaseFromASecondGateway() {
        int queries = 80_000;
        for (int from = 0; from < queries; from += 5000) { // in slices: one insertMany of 80 000 is slow on the embedded server
            int start = from;
            stack.queries.insertMany(IntStream.range(start, start + 5000).mapToObj(i -> new Document("_id", "q-" + i)
                    .append("text", "query " + i).append("processed", false)).toList());
        }
        Duration ttl = Duration.ofSeconds(3);
        long scanStarted = System.nanoTime();
        // a fence check (a MongoDB write) and a Kafka flush every 100 queries: a scan that lasts well
        // beyond the lease on any machine (80 000 queries alone took 2.9-6 s here, against a 3 s lease)
        CompletableFuture<GatewayService> first = CompletableFuture.supplyAsync(() -> stack.gateway(ttl, 100));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> stack.publishedRecords() > 0);
        GatewayService second = stack.gateway(ttl, 100);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.publishedRecords() >= queries);
        long scanMillis = (System.nanoTime() - scanStarted) / 1_000_000;
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.publishedRecords() == queries);
        assertThat(scanMillis).as("the scan must outlast the lease for this test to mean anything")
                .isGreaterThan(ttl.toMillis());
        Map<String, Long> counts = stack.publishedKeyCounts(Duration.ofSeconds(120));
        assertThat(counts).hasSize(queries).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
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

    /**
     * The relay's saved position rolled out of the (capped) oplog while no gateway ran: resuming fails
     * with ChangeStreamHistoryLost, as on a replica set whose oplog rolled over, and the catch-up scan
     * publishes every unprocessed query, those inserted meanwhile included.
     */
    @Test
    void aRelayWhoseSavedPositionRolledOutOfTheOplogCatchesUpWithAScan() throws Exception {
        GatewayService first = stack.gateway(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> relayCheck(first).equals("ok"));
        insert(0, 5); // seen by the stream, so the relay saves a position
        stack.awaitDistinct(5, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.client.getDatabase("relay").getCollection("pipeline_state")
                .countDocuments(new Document("resume_token", new Document("$exists", true))) == 1);
        first.close();

        insert(5, 200); // 195 entries: a 60-entry oplog rolls over
        stack.gateway(Duration.ofSeconds(30));
        stack.awaitDistinct(200, Duration.ofSeconds(60));
    }

    /**
     * Other collections' writes roll the capped oplog over many times while {@code queries} is quiet:
     * the relay's stream reads past them and its saved position follows (the post-batch token), so
     * neither the running stream nor a new gateway loses its place, and nothing is published twice by
     * a catch-up scan. (Before, the position stayed at the stream's last event: the stream failed
     * with ChangeStreamHistoryLost and the relay re-published every unprocessed query.)
     */
    @Test
    void aRelayOnAQuietCollectionKeepsItsPlaceWhileOtherCollectionsRollTheOplogOver() throws Exception {
        GatewayService first = stack.gateway(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> relayCheck(first).equals("ok"));
        insert(0, 5);
        stack.awaitDistinct(5, Duration.ofSeconds(30));
        var results = stack.client.getDatabase("relay").getCollection("results");
        for (int slice = 0; slice < 30; slice++) { // 300 entries elsewhere, 10 at a time: the 60-entry oplog rolls over 5 times
            int from = slice * 10;
            results.insertMany(IntStream.range(from, from + 10).mapToObj(i -> new Document("_id", "r-" + i)).toList());
            Thread.sleep(200); // the relay reads (every 100 ms when idle) and saves its position (every second)
        }
        Thread.sleep(1500);
        assertThat(relayCheck(first)).isEqualTo("ok");
        first.close();

        GatewayService second = stack.gateway(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> relayCheck(second).equals("ok"));
        insert(5, 6);
        stack.awaitDistinct(6, Duration.ofSeconds(30));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> relayCheck(second).equals("ok"));
        assertThat(stack.publishedKeyCounts(Duration.ofSeconds(30))).hasSize(6)
                .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
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
