package dev.triage.sink;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One poison record among good ones, on a real broker and MongoDB-wire server: the good ones are
 * written, the poison one is dead-lettered by the sink, and the sink goes on with the next records.
 */
class SinkWriteErrorsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GROUP = "write-errors-it";

    @TempDir
    Path dir;
    EmbeddedKafka kafka;
    EmbeddedMongo mongo;
    MongoClient mongoClient;
    KafkaTestClient client;
    SinkService sink;
    final Topics topics = Topics.defaults().withPrefix("write-errors-it.");
    MongoCollection<Document> queries;
    MongoCollection<Document> results;

    @BeforeEach
    void start() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        mongo = EmbeddedMongo.inMemory(0);
        sink = SinkService.start(new SinkConfig(new KafkaSettings(kafka.bootstrapServers(), topics, 1, (short) 1),
                new MongoSettings(mongo.connectionString(), "write_errors_it", "queries", "results", "pipeline_state", "stats"),
                GROUP, 10, "majority", SinkConfig.METRICS_OFF));
        client = new KafkaTestClient(kafka.bootstrapServers());
        mongoClient = MongoClients.create(mongo.connectionString());
        queries = mongoClient.getDatabase("write_errors_it").getCollection("queries");
        results = mongoClient.getDatabase("write_errors_it").getCollection("results");
    }

    @AfterEach
    void stop() {
        sink.close();
        client.close();
        mongoClient.close();
        mongo.close();
        kafka.close();
    }

    @Test
    void aResultWhoseIdIsNotOfItsTypeIsDeadLetteredAndTheOthersAreWritten() throws Exception {
        insertQueries("good-1", "good-2", "good-3");
        send(result("good-1", IdType.STRING));
        ProducerRecord<byte[], byte[]> poison = record(result("not-an-object-id", IdType.OBJECT_ID));
        TriageHeaders.put(poison.headers(), TriageHeaders.CORRELATION_ID, "c-7");
        client.send(poison);
        send(result("good-2", IdType.STRING));

        List<ConsumerRecord<byte[], byte[]>> dead = client.readAtLeast(topics.deadLetter(), 1, WAIT);
        await().atMost(WAIT).until(() -> processed() == 2);
        send(result("good-3", IdType.STRING)); // the sink goes on
        await().atMost(WAIT).until(() -> processed() == 3);

        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo(poison.key());
        assertThat(dead.get(0).value()).isEqualTo(poison.value());
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.CORRELATION_ID)).isEqualTo("c-7");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.STAGE)).isEqualTo("sink");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.ERROR_CODE)).isEqualTo("INVALID_PAYLOAD");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.ERROR_MESSAGE))
                .contains("not-an-object-id").contains("object_id");
        assertThat(Publishers.first(results.countDocuments()).get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }

    /**
     * A seed query whose {@code processing_attempts} is text: MongoDB refuses the {@code $inc} of
     * marking it processed (code 14, TypeMismatch), and of marking it failed too. Its result is
     * written (that write succeeded); the record is dead-lettered with the server's code and message,
     * the log says the query could not be marked failed, and the other queries are marked processed.
     */
    @Test
    void aQueryMongoDbRefusesToMarkIsDeadLetteredWithTheServersCodeAndTheOthersAreMarked() throws Exception {
        insertQueries("good-1", "good-2", "good-3");
        get(queries.insertOne(new Document("_id", "poison").append("text", "hi").append("processed", false)
                .append("processing_attempts", "n/a")));
        send(result("good-1", IdType.STRING));
        ProducerRecord<byte[], byte[]> poison = record(result("poison", IdType.STRING));
        client.send(poison);
        send(result("good-2", IdType.STRING));

        List<ConsumerRecord<byte[], byte[]>> dead = client.readAtLeast(topics.deadLetter(), 1, WAIT);
        await().atMost(WAIT).until(() -> processed() == 2);
        send(result("good-3", IdType.STRING));
        await().atMost(WAIT).until(() -> processed() == 3);
        await().atMost(WAIT).until(() -> client.committedTotal(GROUP, topics.classifications()) == 4);

        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(poison.value());
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.STAGE)).isEqualTo("sink");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.ERROR_CODE)).isEqualTo("WRITE_REJECTED");
        assertThat(TriageHeaders.get(dead.get(0).headers(), TriageHeaders.ERROR_MESSAGE))
                .startsWith("MongoDB refused to mark query poison processed: code 14, ")
                .contains("Cannot apply $inc");
        Document query = get(queries.find(Filters.eq("_id", "poison")).first());
        assertThat(query.getBoolean("processed")).isFalse();
        assertThat(query.getString("processing_attempts")).isEqualTo("n/a");
        assertThat(client.readAvailable(topics.deadLetter())).hasSize(1);
    }

    private void insertQueries(String... ids) throws Exception {
        List<Document> docs = new ArrayList<>();
        for (String id : ids) {
            docs.add(new Document("_id", id).append("text", "hi").append("processed", false));
        }
        get(queries.insertMany(docs));
    }

    private long processed() throws Exception {
        return get(queries.countDocuments(Filters.eq("processed", true)));
    }

    private void send(ClassificationResult r) {
        client.send(record(r));
    }

    private ProducerRecord<byte[], byte[]> record(ClassificationResult r) {
        return new ProducerRecord<>(topics.classifications(), r.id().getBytes(StandardCharsets.UTF_8), Json.encode(r));
    }

    private static ClassificationResult result(String id, IdType idType) {
        return new ClassificationResult(1, id, idType, Source.MONGO, new Classification("refund_request", "billing", "negative"),
                "offline", "support-v1", 1, 0, null, Instant.parse("2026-11-27T10:00:00Z"));
    }

    private static <T> T get(org.reactivestreams.Publisher<T> publisher) throws Exception {
        return Publishers.first(publisher).get(10, TimeUnit.SECONDS);
    }
}
