package dev.triage.sink;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Message;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.Publishers;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import dev.triage.localstack.testing.KafkaTestClient;
import dev.triage.localstack.testing.MetricsPage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.triage.localstack.testing.MetricsPage.grown;
import static dev.triage.localstack.testing.MetricsPage.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sink on a real broker and MongoDB-wire server: upserts, query status, redelivery, bad records;
 * and its metrics page, read as a scraper does.
 */
class SinkServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    EmbeddedKafka kafka;
    EmbeddedMongo mongo;
    MongoClient mongoClient;
    KafkaTestClient client;
    SinkService sink;
    Topics topics = Topics.defaults().withPrefix("sink-it.");
    MongoCollection<Document> queries;
    MongoCollection<Document> results;

    @BeforeEach
    void start() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        mongo = EmbeddedMongo.inMemory(0);
        MongoSettings settings = new MongoSettings(mongo.connectionString(), "sink_it", "queries", "results", "pipeline_state", "stats");
        sink = SinkService.start(new SinkConfig(new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1),
                settings, "sink-it", 10, "majority", 0));
        client = new KafkaTestClient(kafka.bootstrapServers());
        mongoClient = MongoClients.create(mongo.connectionString());
        queries = mongoClient.getDatabase("sink_it").getCollection("queries");
        results = mongoClient.getDatabase("sink_it").getCollection("results");
    }

    @AfterEach
    void stop() throws InterruptedException {
        sink.close();
        client.close();
        mongoClient.close();
        mongo.close();
        kafka.close();
    }

    @Test
    void writesOneResultPerQueryMarksQueriesProcessedAndIgnoresRedelivery() throws Exception {
        ObjectId objectId = new ObjectId();
        get(queries.insertMany(List.of(
                new Document("_id", objectId).append("text", "refund please").append("processed", false),
                new Document("_id", "ticket-7").append("text", "where is it").append("processed", false))));
        ClassificationResult first = result(objectId.toHexString(), IdType.OBJECT_ID, Source.MONGO, 2);
        ClassificationResult second = result("ticket-7", IdType.STRING, Source.MONGO, 1);
        ClassificationResult api = result("api-1", IdType.STRING, Source.API, 1);
        for (int round = 0; round < 3; round++) { // redelivered twice
            for (ClassificationResult r : List.of(first, second, api)) {
                client.send(new ProducerRecord<>(topics.classifications(), r.id().getBytes(StandardCharsets.UTF_8), Json.encode(r)));
            }
        }

        await().atMost(WAIT).until(() -> count(queries, Filters.eq("processed", true)) == 2 && count(results, new Document()) == 3);
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> count(results, new Document()) == 3);

        Document query = get(queries.find(Filters.eq("_id", objectId)).first());
        assertThat(query.getBoolean("processed")).isTrue();
        assertThat(query.getString("status")).isEqualTo("classified");
        assertThat(query.getInteger("processing_attempts")).as("taken up and finished once, redelivered twice").isEqualTo(1);
        assertThat(query.getDate("updated_at")).isNotNull();
        Document result = get(results.find(Filters.eq("query_id", objectId)).first());
        assertThat(result.get("classification", Document.class).getString("intent")).isEqualTo("refund_request");
        assertThat(result.getString("model")).isEqualTo("offline");
        assertThat(result.getString("source")).isEqualTo("mongo");
        assertThat(result.getDate("processed_at")).isEqualTo(java.util.Date.from(first.classifiedAt()));
        assertThat(result.getInteger("attempts")).as("model answers").isEqualTo(2);
        assertThat(get(results.find(Filters.eq("query_id", "ticket-7")).first())).isNotNull();
        assertThat(count(queries, Filters.eq("_id", "api-1"))).isZero();
    }

    @Test
    void anOlderResultArrivingLateNeverOverwritesANewerOne() throws Exception {
        get(queries.insertOne(new Document("_id", "late").append("text", "hi").append("processed", false)));
        ClassificationResult newer = result("late", Source.MONGO, "refund_request", Instant.parse("2026-11-27T10:00:05Z"));
        ClassificationResult older = result("late", Source.MONGO, "complaint", Instant.parse("2026-11-27T10:00:00Z"));

        send(newer);
        await().atMost(WAIT).until(() -> count(results, Filters.eq("query_id", "late")) == 1);
        send(older);
        await().atMost(WAIT).until(() -> client.committedTotal("sink-it", topics.classifications()) == 2);
        Document result = get(results.find(Filters.eq("query_id", "late")).first());
        assertThat(result.get("classification", Document.class).getString("intent")).isEqualTo("refund_request");
        assertThat(result.getDate("processed_at")).isEqualTo(java.util.Date.from(newer.classifiedAt()));

        send(newer); // redelivered
        await().atMost(WAIT).until(() -> client.committedTotal("sink-it", topics.classifications()) == 3);
        assertThat(get(results.find(Filters.eq("query_id", "late")).first())).isEqualTo(result);
        assertThat(duplicateQueryIds()).isEmpty();
        assertThat(get(queries.find(Filters.eq("_id", "late")).first()).getInteger("processing_attempts")).isEqualTo(1);
        assertThat(client.readAvailable(topics.deadLetter())).as("\"a newer one is there\" is no error").isEmpty();
    }

    @Test
    void processingAttemptsCountsOutcomesOnceEachAndAgainAfterAReprocess() throws Exception {
        get(queries.insertOne(new Document("_id", "again").append("text", "hi").append("processed", false)));
        ProducerRecord<byte[], byte[]> dead = deadLetter("again");
        client.send(dead);
        client.send(dead); // redelivered
        await().atMost(WAIT).until(() -> client.committedTotal("sink-it", topics.deadLetter()) == 2);
        assertThat(get(queries.find(Filters.eq("_id", "again")).first()).getInteger("processing_attempts")).isEqualTo(1);

        ClassificationResult first = result("again", Source.REPLAY, "refund_request", Instant.parse("2026-11-27T10:00:00Z"));
        send(first);
        send(first); // redelivered
        await().atMost(WAIT).until(() -> client.committedTotal("sink-it", topics.classifications()) == 2);
        Document classified = get(queries.find(Filters.eq("_id", "again")).first());
        assertThat(classified.getString("status")).isEqualTo("classified");
        assertThat(classified.getInteger("processing_attempts")).isEqualTo(2);

        // what `triage reprocess` does, then the new outcome
        get(queries.updateOne(Filters.eq("_id", "again"), Updates.combine(Updates.set("processed", false), Updates.unset("status"))));
        send(result("again", Source.MONGO, "complaint", Instant.parse("2026-11-27T11:00:00Z")));
        await().atMost(WAIT).until(() -> client.committedTotal("sink-it", topics.classifications()) == 3);

        Document reprocessed = get(queries.find(Filters.eq("_id", "again")).first());
        assertThat(reprocessed.getBoolean("processed")).isTrue();
        assertThat(reprocessed.getInteger("processing_attempts")).isEqualTo(3);
        assertThat(get(results.find(Filters.eq("query_id", "again")).first()).get("classification", Document.class)
                .getString("intent")).isEqualTo("complaint");
    }

    @Test
    void theMetricsPageShowsTheBatchesWrittenAndTheConsumersLag() throws Exception {
        String before = scrape();
        for (int i = 0; i < 25; i++) {
            ClassificationResult r = result("m-" + i, IdType.STRING, Source.MONGO, 1);
            client.send(new ProducerRecord<>(topics.classifications(), r.id().getBytes(StandardCharsets.UTF_8), Json.encode(r)));
        }

        await().atMost(WAIT).until(() -> count(results, new Document()) == 25);

        await().atMost(WAIT).untilAsserted(() -> {
            String page = scrape();
            assertThat(grown(before, page, "triage_sink_batch_size_count")).isGreaterThanOrEqualTo(3); // BATCH_SIZE 10
            assertThat(grown(before, page, "triage_sink_batch_size_sum")).isGreaterThanOrEqualTo(25);
            assertThat(grown(before, page, "triage_sink_results_written_total")).isGreaterThanOrEqualTo(25);
            assertThat(grown(before, page, "triage_sink_write_seconds_count", "outcome=\"ok\"")).isGreaterThanOrEqualTo(3);
            assertThat(value(page, "kafka_consumer_fetch_manager_records_consumed_total")).isGreaterThanOrEqualTo(25);
        });
        assertThat(scrape()).contains("kafka_consumer_fetch_manager_records_lag_max");
    }

    @Test
    void aRecordThatIsNotAResultIsDeadLetteredAndTheRestIsWritten() throws Exception {
        get(queries.insertOne(new Document("_id", "ok-1").append("text", "hi").append("processed", false)));
        client.send(new ProducerRecord<>(topics.classifications(), "junk".getBytes(StandardCharsets.UTF_8),
                "[1,2,3]".getBytes(StandardCharsets.UTF_8)));
        ClassificationResult ok = result("ok-1", IdType.STRING, Source.MONGO, 1);
        client.send(new ProducerRecord<>(topics.classifications(), "ok-1".getBytes(StandardCharsets.UTF_8), Json.encode(ok)));

        List<ConsumerRecord<byte[], byte[]>> dead = client.readAtLeast(topics.deadLetter(), 1, WAIT);
        await().atMost(WAIT).until(() -> count(queries, Filters.eq("processed", true)) == 1);

        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.STAGE)).isEqualTo("sink");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.ERROR_CODE)).isEqualTo("INVALID_PAYLOAD");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("[1,2,3]");
    }

    @Test
    void aDeadLetteredQueryIsMarkedFailedUntilAReplayFinishesIt() throws Exception {
        get(queries.insertOne(new Document("_id", "q-dead").append("text", "hi").append("processed", false)));
        ProducerRecord<byte[], byte[]> dead = deadLetter("q-dead");
        String before = scrape();

        client.send(dead);
        await().atMost(WAIT).until(() -> count(queries, Filters.eq("status", "failed")) == 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(grown(before, scrape(), "triage_sink_queries_failed_total"))
                .isEqualTo(1.0));
        Document failed = get(queries.find(Filters.eq("_id", "q-dead")).first());
        assertThat(failed.getBoolean("processed")).isFalse();
        assertThat(failed.getString("last_error")).isEqualTo("LLM_BAD_OUTPUT: no valid answer in 3 attempts");

        ClassificationResult replayed = result("q-dead", IdType.STRING, Source.REPLAY, 1);
        client.send(new ProducerRecord<>(topics.classifications(), "q-dead".getBytes(StandardCharsets.UTF_8), Json.encode(replayed)));
        await().atMost(WAIT).until(() -> count(queries, Filters.eq("status", "classified")) == 1);
        client.send(dead); // an old dead letter read late must not undo the result

        client.readAtLeast(topics.deadLetter(), 2, WAIT);
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> count(queries, Filters.eq("status", "classified")) == 1);
        assertThat(get(queries.find(Filters.eq("_id", "q-dead")).first()).getBoolean("processed")).isTrue();
        assertThat(grown(before, scrape(), "triage_sink_queries_failed_total")).isEqualTo(1.0); // the late one marked nothing
    }

    @Test
    void aDeadLetteredApiConversationGetsAFailureResultUntilAReplayReplacesIt() throws Exception {
        ProducerRecord<byte[], byte[]> dead = deadLetter("api-dead", Source.API);

        client.send(dead);
        await().atMost(WAIT).until(() -> count(results, Filters.eq("query_id", "api-dead")) == 1);
        Document failure = get(results.find(Filters.eq("query_id", "api-dead")).first());
        assertThat(failure.getString("status")).isEqualTo("failed");
        assertThat(failure.get("error", Document.class).getString("code")).isEqualTo("LLM_BAD_OUTPUT");
        assertThat(failure.get("error", Document.class).getString("message")).isEqualTo("no valid answer in 3 attempts");
        assertThat(failure.get("classification")).isNull();
        assertThat(count(queries, Filters.eq("_id", "api-dead"))).isZero();

        ClassificationResult replayed = result("api-dead", IdType.STRING, Source.REPLAY, 1);
        client.send(new ProducerRecord<>(topics.classifications(), "api-dead".getBytes(StandardCharsets.UTF_8), Json.encode(replayed)));
        await().atMost(WAIT).until(() -> get(results.find(Filters.eq("query_id", "api-dead")).first()).get("classification") != null);
        client.send(dead); // an old dead letter read late must not undo the result
        client.readAtLeast(topics.deadLetter(), 2, WAIT);

        await().during(Duration.ofSeconds(1)).atMost(WAIT).untilAsserted(() -> {
            Document result = get(results.find(Filters.eq("query_id", "api-dead")).first());
            assertThat(result.get("classification", Document.class).getString("intent")).isEqualTo("refund_request");
            assertThat(result.containsKey("status")).isFalse();
            assertThat(result.containsKey("error")).isFalse();
        });
        assertThat(count(results, Filters.eq("query_id", "api-dead"))).isEqualTo(1);
    }

    /** {@code GET /metrics} of the service, as Prometheus scrapes it. */
    private String scrape() throws IOException, InterruptedException {
        return MetricsPage.scrape(sink.metricsPort());
    }

    private ProducerRecord<byte[], byte[]> deadLetter(String id) {
        return deadLetter(id, Source.MONGO);
    }

    private ProducerRecord<byte[], byte[]> deadLetter(String id, Source source) {
        ConversationEnvelope conversation = ConversationEnvelope.of(id, IdType.STRING, source,
                List.of(new Message("customer", "hi")), java.util.Map.of(), Instant.now());
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.deadLetter(), id.getBytes(StandardCharsets.UTF_8),
                Json.encode(conversation));
        TriageHeaders.put(record.headers(), TriageHeaders.ERROR_CODE, "LLM_BAD_OUTPUT");
        TriageHeaders.put(record.headers(), TriageHeaders.ERROR_MESSAGE, "no valid answer in 3 attempts");
        return record;
    }

    private void send(ClassificationResult r) {
        client.send(new ProducerRecord<>(topics.classifications(), r.id().getBytes(StandardCharsets.UTF_8), Json.encode(r)));
    }

    /** The query ids that have more than one result document: must stay empty. */
    private List<Document> duplicateQueryIds() throws Exception {
        return Publishers.all(results.aggregate(List.of(Aggregates.group("$query_id", Accumulators.sum("n", 1)),
                Aggregates.match(Filters.gt("n", 1))))).get(10, TimeUnit.SECONDS);
    }

    private static ClassificationResult result(String id, Source source, String intent, Instant classifiedAt) {
        return new ClassificationResult(1, id, IdType.STRING, source, new Classification(intent, "billing", "negative"),
                "offline", "support-v1", 3, 0, null, classifiedAt);
    }

    private static ClassificationResult result(String id, IdType idType, Source source, int attempts) {
        return new ClassificationResult(1, id, idType, source, new Classification("refund_request", "billing", "negative"),
                "offline", "support-v1", attempts, 0, null, Instant.parse("2026-11-27T10:00:00Z"));
    }

    private static long count(MongoCollection<Document> collection, org.bson.conversions.Bson filter) throws Exception {
        return get(collection.countDocuments(filter));
    }

    private static <T> T get(org.reactivestreams.Publisher<T> publisher) throws Exception {
        return Publishers.first(publisher).get(10, TimeUnit.SECONDS);
    }
}
