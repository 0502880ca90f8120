package dev.triage.gateway.relay;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.mongo.QueryIds;
import dev.triage.gateway.GatewayService;
import dev.triage.localstack.EmbeddedKafka;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every query ends relayed or marked failed, whatever its {@code _id}; and the reprocessing contract. */
class RelayDeliveryIT {

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

    @Test
    void everyIdTypeIsPublishedWithItsTypeAndFindsItsQueryAgain() {
        Map<BsonValue, Expected> scanned = ids(1);
        Map<BsonValue, Expected> streamed = ids(2);
        insert(scanned.keySet());
        try (GatewayService gateway = stack.gateway(Duration.ofSeconds(30))) {
            stack.awaitDistinct(6, Duration.ofSeconds(30)); // by the catch-up scan
            insert(streamed.keySet());
            stack.awaitDistinct(12, Duration.ofSeconds(30)); // by the change stream
        }
        Map<String, Expected> expected = new LinkedHashMap<>();
        scanned.values().forEach(e -> expected.put(e.text(), e));
        streamed.values().forEach(e -> expected.put(e.text(), e));
        assertThat(stack.publishedCounts()).containsOnlyKeys(expected.keySet());
        for (ConversationEnvelope c : stack.published()) {
            assertThat(c.idType()).as("type of %s", c.id()).isEqualTo(expected.get(c.id()).type());
            Document original = stack.queries.find(Filters.eq("_id", QueryIds.toBson(c.id(), c.idType()))).first();
            assertThat(original).as("query found again by %s %s", c.idType(), c.id()).isNotNull();
            assertThat(original.getString("text")).isEqualTo(c.messages().get(0).text());
        }
    }

    @Test
    void aQueryKafkaRefusesIsMarkedFailedAndTheOthersFlowOn() {
        String tooLarge = "x".repeat(1_200_000); // above the producer's max.request.size (1 MiB)
        stack.queries.insertOne(new Document("_id", "big-scan").append("text", tooLarge).append("processed", false));
        insertStrings(0, 5);
        try (GatewayService gateway = stack.gateway(Duration.ofSeconds(30))) {
            stack.awaitDistinct(5, Duration.ofSeconds(30));
            stack.queries.insertOne(new Document("_id", "big-stream").append("text", tooLarge).append("processed", false));
            insertStrings(5, 10);
            stack.awaitDistinct(10, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.queries.countDocuments(Filters.eq("status", "failed")) == 2);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> stack.published().size() == 10);
        }
        assertThat(stack.publishedCounts()).hasSize(10).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        for (Document failed : stack.queries.find(Filters.eq("status", "failed"))) {
            assertThat(failed.getString("last_error")).contains("RecordTooLargeException");
            assertThat(failed.get("updated_at")).isInstanceOf(Date.class);
            assertThat(failed.get("processed")).isEqualTo(false);
        }
    }

    /**
     * The contract with {@code triage reprocess}: one updateMany setting {@code processed: false} and
     * {@code requeued_at}, unsetting {@code status} and {@code last_error}. The sink's own updates are
     * not relayed. (mongo-java-server sends updates without an updateDescription; the shapes a replica
     * set sends are covered by {@code UpdateDecisionTest}.)
     */
    @Test
    void reprocessRelaysAgainAndTheSinksUpdatesDoNot() {
        insertStrings(0, 3);
        try (GatewayService gateway = stack.gateway(Duration.ofSeconds(30))) {
            stack.awaitDistinct(3, Duration.ofSeconds(30));
            stack.queries.updateOne(Filters.eq("_id", "q-0"), Updates.combine(Updates.set("status", "failed"),
                    Updates.set("last_error", "LLM_BAD_OUTPUT: never valid"), Updates.set("updated_at", new Date())));
            stack.queries.updateOne(Filters.eq("_id", "q-1"), Updates.combine(Updates.set("processed", true),
                    Updates.set("status", "classified"), Updates.set("updated_at", new Date())));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> stack.published().size() == 3);

            stack.queries.updateMany(Filters.in("_id", List.of("q-0", "q-1")), Updates.combine(
                    Updates.set("processed", false), Updates.set("requeued_at", new Date()),
                    Updates.unset("status"), Updates.unset("last_error")));
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.published().size() == 5);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> stack.published().size() == 5);
        }
        assertThat(stack.publishedCounts()).containsExactlyInAnyOrderEntriesOf(Map.of("q-0", 2L, "q-1", 2L, "q-2", 1L));
    }

    private record Expected(String text, IdType type) {
    }

    private static Map<BsonValue, Expected> ids(int n) {
        UUID uuid = UUID.nameUUIDFromBytes(("query-" + n).getBytes(StandardCharsets.UTF_8));
        org.bson.types.ObjectId objectId = new org.bson.types.ObjectId();
        Map<BsonValue, Expected> ids = new LinkedHashMap<>();
        ids.put(new BsonInt32(n), new Expected(String.valueOf(n), IdType.INT));
        ids.put(new BsonInt64(10_000_000_000L + n), new Expected(String.valueOf(10_000_000_000L + n), IdType.LONG));
        ids.put(new BsonBinary(uuid, UuidRepresentation.STANDARD), new Expected(uuid.toString(), IdType.UUID));
        ids.put(new BsonDouble(n + 0.5), new Expected("{\"$numberDouble\": \"" + (n + 0.5) + "\"}", IdType.BSON));
        ids.put(new BsonObjectId(objectId), new Expected(objectId.toHexString(), IdType.OBJECT_ID));
        ids.put(new BsonString("s-" + n), new Expected("s-" + n, IdType.STRING));
        return ids;
    }

    /** Each query's text names its id, so the test can match a conversation to its document. */
    private void insert(java.util.Collection<BsonValue> ids) {
        stack.queries.withDocumentClass(BsonDocument.class).insertMany(ids.stream()
                .map(id -> new BsonDocument("_id", id).append("text", new BsonString("query " + id))
                        .append("processed", org.bson.BsonBoolean.FALSE)).toList());
    }

    private void insertStrings(int from, int to) {
        stack.queries.insertMany(IntStream.range(from, to).mapToObj(i -> new Document("_id", "q-" + i)
                .append("text", "query " + i).append("processed", false)).toList());
    }
}
