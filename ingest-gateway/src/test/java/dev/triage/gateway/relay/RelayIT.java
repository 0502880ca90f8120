package dev.triage.gateway.relay;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.gateway.GatewayConfig;
import dev.triage.gateway.GatewayService;
import dev.triage.gateway.http.HttpSettings;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import dev.triage.localstack.testing.KafkaTestClient;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay on a real broker and MongoDB-wire server: resume, catch-up, lease, reprocessing. */
class RelayIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    EmbeddedMongo mongo;
    MongoClient client;
    MongoCollection<Document> queries;
    KafkaTestClient kafkaClient;
    Topics topics;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void start(TestInfo test) {
        topics = Topics.defaults().withPrefix(test.getTestMethod().orElseThrow().getName() + ".");
        mongo = EmbeddedMongo.inMemory(0);
        client = MongoClients.create(mongo.connectionString());
        queries = client.getDatabase("relay").getCollection("queries");
        kafkaClient = new KafkaTestClient(kafka.bootstrapServers());
    }

    @AfterEach
    void stop() {
        kafkaClient.close();
        client.close();
        mongo.close();
    }

    private GatewayService gateway(Duration leaseTtl) {
        return GatewayService.start(new GatewayConfig(
                new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1),
                new MongoSettings(mongo.connectionString(), "relay", "queries", "results", "pipeline_state", "stats"),
                HttpSettings.fromEnv(new Env(Map.of("GATEWAY_HOST", "localhost", "GATEWAY_PORT", "0"))),
                "relay-it", true, leaseTtl,
                new ChangeStreamRelay.Settings(Duration.ofMillis(50), 1000, Duration.ofMillis(200))));
    }

    @Test
    void aRestartResumesWhereTheRelayStoppedWithoutRescanning() throws Exception {
        try (GatewayService first = gateway(Duration.ofSeconds(30))) {
            insert(0, 40);
            awaitPublished(40);
        }
        insert(40, 80); // while no relay runs
        try (GatewayService second = gateway(Duration.ofSeconds(30))) {
            awaitPublished(80);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> published().size() == 80);
        }
        assertThat(client.getDatabase("relay").getCollection("pipeline_state")
                .find(Filters.eq("_id", "relay-token:relay.queries")).first()).isNotNull();
    }

    @Test
    void anUnusableResumeTokenTriggersTheCatchUpScan() throws Exception {
        insert(0, 30);
        client.getDatabase("relay").getCollection("pipeline_state").insertOne(new Document("_id", "relay-token:relay.queries")
                .append("resume_token", new Document("_data", "not-a-token")));

        try (GatewayService gateway = gateway(Duration.ofSeconds(30))) {
            awaitPublished(30);
            insert(30, 35);
            awaitPublished(35);
        }
    }

    @Test
    void resettingProcessedToFalseRelaysAgainAndStatusUpdatesDoNot() throws Exception {
        ObjectId id = new ObjectId();
        try (GatewayService gateway = gateway(Duration.ofSeconds(30))) {
            queries.insertOne(new Document("_id", id).append("text", "refund please").append("processed", false));
            awaitCount(1);

            queries.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("status", "failed"),
                    Updates.set("last_error", "LLM_BAD_OUTPUT")));
            queries.updateOne(Filters.eq("_id", id), Updates.set("processed", true));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> published().size() == 1);

            queries.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("processed", false),
                    Updates.unset("status"), Updates.unset("last_error")));
            awaitCount(2);
        }
        assertThat(published()).allSatisfy(c -> {
            assertThat(c.id()).isEqualTo(id.toHexString());
            assertThat(c.idType()).isEqualTo(IdType.OBJECT_ID);
        });
    }

    @Test
    void aSecondGatewayStaysPassiveUntilTheLeaseIsFree() throws Exception {
        // 12 s: a stall of the first gateway's renewals on a loaded machine must not let the second in
        GatewayService first = gateway(Duration.ofSeconds(12));
        try (GatewayService second = gateway(Duration.ofSeconds(12))) {
            insert(0, 10);
            awaitPublished(10);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> published().size() == 10);

            first.close(); // gives the lease up; the second takes over within a third of its time
            insert(10, 20);
            await().atMost(Duration.ofSeconds(20)).until(() -> ids().size() == 20);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> published().size() == 20);
        }
    }

    private void insert(int from, int to) {
        queries.insertMany(IntStream.range(from, to).mapToObj(i -> new Document("_id", "q-" + i)
                .append("text", "query " + i).append("processed", false)).toList());
    }

    private List<ConversationEnvelope> published() {
        return kafkaClient.readAvailable(topics.conversations()).stream()
                .map(r -> Json.decode(r.value(), ConversationEnvelope.class)).toList();
    }

    private java.util.Set<String> ids() {
        return published().stream().map(ConversationEnvelope::id).collect(java.util.stream.Collectors.toSet());
    }

    private void awaitPublished(int distinct) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ids().size() == distinct);
    }

    private void awaitCount(int records) {
        await().atMost(Duration.ofSeconds(30)).until(() -> published().size() == records);
    }
}
