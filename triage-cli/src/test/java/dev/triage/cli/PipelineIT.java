package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.classifier.learned.LearnedClassifier;
import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.mongo.Publishers;
import dev.triage.localstack.testing.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole pipeline as {@code triage local} runs it: embedded Kafka and MongoDB, all three services. */
class PipelineIT {

    private static final int N = 200;

    @TempDir
    static Path dir;
    static LocalStack stack;
    static MongoClient mongo;
    static MongoCollection<Document> queries;
    static MongoCollection<Document> results;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(new Env(Map.of("LLM_PROVIDER", "offline")), new LocalStack.Options(0, 0, 0, dir, null));
        mongo = MongoClients.create(stack.mongoUri());
        queries = mongo.getDatabase(stack.mongo().database()).getCollection(stack.mongo().queriesCollection());
        results = mongo.getDatabase(stack.mongo().database()).getCollection(stack.mongo().resultsCollection());
    }

    @AfterAll
    static void stop() {
        mongo.close();
        stack.close();
    }

    @Test
    void queriesOfEveryIdTypeEndProcessedWithOneResultUnderTheSameId() throws Exception {
        java.util.UUID uuid = java.util.UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
        List<org.bson.BsonValue> ids = List.of(new org.bson.BsonInt32(70_001), new org.bson.BsonInt64(1L << 40),
                new org.bson.BsonBinary(uuid, org.bson.UuidRepresentation.STANDARD), new org.bson.BsonDouble(2.5),
                new org.bson.BsonDocument("ticket", new org.bson.BsonInt32(9)));
        var raw = mongo.getDatabase(stack.mongo().database()).getCollection(stack.mongo().queriesCollection(),
                org.bson.BsonDocument.class);
        for (org.bson.BsonValue id : ids) {
            Publishers.first(raw.insertOne(new org.bson.BsonDocument("_id", id)
                    .append("text", new org.bson.BsonString("My parcel never arrived, order " + id))
                    .append("processed", org.bson.BsonBoolean.FALSE))).get(10, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> Publishers.first(raw.countDocuments(
                Filters.and(Filters.in("_id", ids), Filters.eq("processed", true)))).get() == ids.size());
        var rawResults = mongo.getDatabase(stack.mongo().database()).getCollection(stack.mongo().resultsCollection(),
                org.bson.BsonDocument.class);
        for (org.bson.BsonValue id : ids) { // the result's query_id is the query's _id, of the same BSON type
            List<org.bson.BsonDocument> found = Publishers.all(rawResults.find(Filters.eq("query_id", id))).get();
            assertThat(found).as("results of %s", id).hasSize(1);
            assertThat(found.get(0).get("query_id")).isEqualTo(id);
        }
        HttpResponse<String> byNumber = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + stack.gatewayPort() + "/classifications/70001")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byNumber.statusCode()).as(byNumber.body()).isEqualTo(200);
        assertThat(byNumber.body()).contains("\"status\":\"classified\"");
    }

    @Test
    void postClassifyGoesThroughKafkaAndTheClassifier() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + stack.gatewayPort() + "/classify"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"conversation_number": "123", "messages": [
                          {"sender": "customer", "text": "I was charged twice, I want a refund"},
                          {"sender": "agent", "text": "Sorry! Let me check."}]}""")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.get("conversation_number").asText()).isEqualTo("123");
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.get("classification").get("intent").asText()).isEqualTo("refund_request");
        assertThat(body.get("classification").get("topic").asText()).isEqualTo("billing");
    }

    @Test
    void everyInsertedQueryGetsExactlyOneResultAndIsMarkedProcessed() throws Exception {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            Document doc = i % 4 == 0
                    ? new Document("_id", "str-" + i).append("messages", List.of(
                            new Document("sender", "customer").append("text", "My parcel " + i + " never arrived"),
                            new Document("sender", "agent").append("text", "Sorry, checking.")))
                    : new Document("_id", new ObjectId()).append("text", "Please cancel order " + i);
            docs.add(doc.append("processed", false).append("metadata", new Document("n", i)));
        }
        Publishers.first(queries.insertMany(docs)).get(30, TimeUnit.SECONDS);

        List<Object> queryIds = docs.stream().map(d -> d.get("_id")).toList();
        await().atMost(Duration.ofSeconds(90)).until(() -> count(queries,
                Filters.and(Filters.in("_id", queryIds), Filters.eq("processed", true))) == N);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                .until(() -> count(results, Filters.in("query_id", queryIds)) == N);

        List<Document> all = Publishers.all(results.find(Filters.in("query_id", queryIds))).get(30, TimeUnit.SECONDS);
        Set<Object> ids = new HashSet<>();
        all.forEach(r -> ids.add(r.get("query_id")));
        assertThat(ids).hasSize(N).containsAll(queryIds);
        Document str = all.stream().filter(r -> "str-0".equals(r.get("query_id"))).findFirst().orElseThrow();
        assertThat(str.get("classification", Document.class).getString("intent")).isEqualTo("problem_report");
        assertThat(str.get("classification", Document.class).getString("topic")).isEqualTo("delivery");
        assertThat(str.getString("model")).isEqualTo(LearnedClassifier.MODEL);
        Document provenance = str.get("provenance", Document.class);
        assertThat(provenance.getString("tier")).isEqualTo("learned");
        assertThat(provenance.getBoolean("cached")).isFalse();
        assertThat(provenance.get("confidence", Document.class).getDouble("intent")).isBetween(0.0, 1.0);
        assertThat(count(queries, Filters.and(Filters.in("_id", queryIds), Filters.eq("processing_attempts", 1)))).isEqualTo(N);
    }

    @Test
    void aQueryWithNothingToClassifyEndsInTheDeadLetterTopicNotLost() throws Exception {
        Publishers.first(queries.insertOne(new Document("_id", "empty-1").append("processed", false)
                .append("metadata", new Document("note", "no text")))).get(10, TimeUnit.SECONDS);

        try (KafkaTestClient kafka = new KafkaTestClient(stack.kafkaBootstrapServers())) {
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAtLeast("triage.dead-letter", 1, Duration.ofSeconds(30));
            assertThat(dead).anySatisfy(r -> {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("empty-1");
                assertThat(TriageHeaders.get(r.headers(), TriageHeaders.ERROR_MESSAGE)).contains("no messages");
            });
        }
        assertThat(count(results, Filters.eq("query_id", "empty-1"))).isZero();
    }

    @Test
    void statisticsCountTheClassificationsPerWindow() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.gatewayPort() + "/classify"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"conversation_number\": \"s-1\", \"messages\": "
                        + "[{\"sender\": \"customer\", \"text\": \"Please cancel my subscription\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode buckets = Json.tree(get(http, "/stats?window=1m").body().getBytes(StandardCharsets.UTF_8)).path("buckets");
            return buckets.size() > 0 && buckets.get(buckets.size() - 1).path("intent").path("cancellation").asLong() >= 1;
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> { // each label's count is its own record: they arrive apart
            JsonNode hour = Json.tree(get(http, "/stats?window=1h").body().getBytes(StandardCharsets.UTF_8));
            JsonNode bucket = hour.path("buckets").path(hour.path("buckets").size() - 1);
            return hour.path("window").asText().equals("1h") && bucket.path("intent").path("cancellation").asLong() >= 1
                    && bucket.path("sentiment").size() > 0 && bucket.path("topic").size() > 0;
        });
        assertThat(get(http, "/stats?window=5m").statusCode()).isEqualTo(400);
        assertThat(get(http, "/stats?since=yesterday").body()).contains("ValidationError", "ISO-8601");
    }

    private static HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.gatewayPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long count(MongoCollection<Document> collection, org.bson.conversions.Bson filter) throws Exception {
        return Publishers.first(collection.countDocuments(filter)).get(10, TimeUnit.SECONDS);
    }
}
