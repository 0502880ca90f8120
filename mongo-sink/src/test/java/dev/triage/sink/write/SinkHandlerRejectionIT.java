package dev.triage.sink.write;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.ServerAddress;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.Publishers;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import dev.triage.localstack.testing.KafkaTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A result MongoDB refuses (a collection validator: code 121, "Document failed validation") among
 * good ones. The embedded MongoDB-wire server has no validators, so the refusal is injected where
 * the driver reports it: the {@code results} collection is the real one, except that a bulk write
 * holding the poison result writes the other results for real and then fails with the
 * {@link MongoBulkWriteException} a MongoDB server's reply turns into (the poison's index, code 121).
 * Everything else is real: the handler, the writer, the {@code queries} collection and the broker.
 */
class SinkHandlerRejectionIT {

    private static final String POISON = "q-poison";

    @TempDir
    Path dir;
    EmbeddedKafka kafka;
    EmbeddedMongo mongo;
    MongoClient mongoClient;
    KafkaProducer<byte[], byte[]> producer;
    KafkaTestClient client;
    MongoCollection<Document> queries;
    MongoCollection<Document> results;
    SinkHandler handler;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Topics topics = Topics.defaults().withPrefix("rejection-it.");
    long offset;

    @BeforeEach
    void start() throws Exception {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        mongo = EmbeddedMongo.inMemory(0);
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), topics, 1, (short) 1);
        TopicAdmin.ensureTopics(settings, topics.all(), Duration.ofSeconds(30));
        producer = KafkaClients.producer(settings, "rejection-it");
        client = new KafkaTestClient(kafka.bootstrapServers());
        mongoClient = MongoClients.create(mongo.connectionString());
        queries = mongoClient.getDatabase("rejection_it").getCollection("queries");
        results = mongoClient.getDatabase("rejection_it").getCollection("results");
        ResultWriter writer = new ResultWriter(refusingPoison(results), queries, Clock.systemUTC());
        writer.createIndexes().get(10, TimeUnit.SECONDS);
        handler = new SinkHandler(writer, new StatsWriter(mongoClient.getDatabase("rejection_it").getCollection("stats")),
                topics.stats(), producer, topics.deadLetter(), Duration.ofSeconds(10), Clock.systemUTC(),
                new SinkMetrics(registry));
    }

    @AfterEach
    void stop() {
        producer.close();
        client.close();
        mongoClient.close();
        mongo.close();
        kafka.close();
    }

    @Test
    void aResultMongoDbRefusesIsDeadLetteredItsQueryMarkedFailedAndTheOthersWritten() throws Exception {
        List<Document> docs = new ArrayList<>();
        for (String id : List.of("q-1", POISON, "q-2", "q-3")) {
            docs.add(new Document("_id", id).append("text", "hi").append("processed", false));
        }
        get(queries.insertMany(docs));
        ConsumerRecord<byte[], byte[]> poison = record(POISON);
        TriageHeaders.put(poison.headers(), TriageHeaders.CORRELATION_ID, "c-9");

        handler.handle(batch(record("q-1"), poison, record("q-2")));
        handler.handle(batch(record("q-3"))); // and goes on

        assertThat(get(results.countDocuments(Filters.in("query_id", "q-1", "q-2", "q-3")))).isEqualTo(3);
        assertThat(get(results.countDocuments(Filters.eq("query_id", POISON)))).isZero();
        assertThat(get(queries.countDocuments(Filters.eq("processed", true)))).isEqualTo(3);
        Document failed = get(queries.find(Filters.eq("_id", POISON)).first());
        assertThat(failed.getBoolean("processed")).isFalse();
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("last_error"))
                .isEqualTo("WRITE_REJECTED: MongoDB refused to write the result of query q-poison: code 121, Document failed validation");
        assertThat(failed.getInteger("processing_attempts")).isEqualTo(1);

        List<ConsumerRecord<byte[], byte[]>> dead = client.readAvailable(topics.deadLetter());
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo(poison.key());
        assertThat(dead.get(0).value()).isEqualTo(poison.value());
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.CORRELATION_ID)).isEqualTo("c-9");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.STAGE)).isEqualTo("sink");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.ERROR_CODE)).isEqualTo("WRITE_REJECTED");
        assertThat(registry.get("triage.sink.records.dead.lettered").tag("code", "WRITE_REJECTED").counter().count()).isEqualTo(1);
        assertThat(registry.get("triage.sink.records.dead.lettered").tag("code", "INVALID_PAYLOAD").counter().count()).isZero();
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.ERROR_MESSAGE))
                .isEqualTo("MongoDB refused to write the result of query q-poison: code 121, Document failed validation");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.ORIGINAL_TOPIC)).isEqualTo(topics.classifications());
    }

    private ConsumerRecord<byte[], byte[]> record(String id) {
        ClassificationResult r = new ClassificationResult(1, id, IdType.STRING, Source.MONGO,
                new Classification("refund_request", "billing", "negative"), "offline", "support-v1", 1, 0, null,
                Instant.parse("2026-11-27T10:00:00Z"));
        return new ConsumerRecord<>(topics.classifications(), 0, offset++, id.getBytes(StandardCharsets.UTF_8), Json.encode(r));
    }

    @SafeVarargs
    private ConsumerRecords<byte[], byte[]> batch(ConsumerRecord<byte[], byte[]>... records) {
        return new ConsumerRecords<>(Map.of(new TopicPartition(topics.classifications(), 0), List.of(records)), Map.of());
    }

    /** {@code real}, whose bulk writes refuse the poison result as a validator would. */
    @SuppressWarnings("unchecked")
    private static MongoCollection<Document> refusingPoison(MongoCollection<Document> real) {
        return (MongoCollection<Document>) Proxy.newProxyInstance(SinkHandlerRejectionIT.class.getClassLoader(),
                new Class<?>[]{MongoCollection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("bulkWrite") && args.length == 2 && holdsPoison((List<WriteModel<Document>>) args[0])) {
                        return refused(real, (List<WriteModel<Document>>) args[0], (BulkWriteOptions) args[1]);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static boolean holdsPoison(List<WriteModel<Document>> writes) {
        return writes.stream().anyMatch(SinkHandlerRejectionIT::isPoison);
    }

    private static boolean isPoison(WriteModel<Document> write) {
        BsonDocument filter = ((UpdateOneModel<Document>) write).getFilter()
                .toBsonDocument(Document.class, MongoClientSettings.getDefaultCodecRegistry());
        return filter.toJson().contains("\"" + POISON + "\"");
    }

    private static Mono<BulkWriteResult> refused(MongoCollection<Document> real, List<WriteModel<Document>> writes,
                                                 BulkWriteOptions options) {
        List<WriteModel<Document>> others = writes.stream().filter(w -> !isPoison(w)).toList();
        List<BulkWriteError> errors = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            if (isPoison(writes.get(i))) {
                errors.add(new BulkWriteError(121, "Document failed validation",
                        new BsonDocument("failingDocumentId", new BsonString(POISON)), i));
            }
        }
        CompletableFuture<BulkWriteResult> done = others.isEmpty() ? CompletableFuture.completedFuture(BulkWriteResult.unacknowledged())
                : Publishers.first(real.bulkWrite(others, options));
        return Mono.fromFuture(done).flatMap(result -> Mono.error(new MongoBulkWriteException(result, errors, null,
                new ServerAddress("localhost"), Set.of())));
    }

    private static <T> T get(org.reactivestreams.Publisher<T> publisher) throws Exception {
        return Publishers.first(publisher).get(10, TimeUnit.SECONDS);
    }
}
