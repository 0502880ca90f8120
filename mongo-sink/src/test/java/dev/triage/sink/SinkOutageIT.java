package dev.triage.sink;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.Publishers;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import dev.triage.localstack.testing.KafkaTestClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
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
 * MongoDB goes away while results are being written, then comes back, and the first results are
 * delivered again (as after a crash before a commit): nothing lost, nothing doubled. Doubles are
 * counted by grouping the results by {@code query_id}, which sees them whatever the indexes, and
 * on the queries by {@code processing_attempts}, which a second outcome would raise.
 */
class SinkOutageIT {

    private static final int N = 300;
    /** Results are built the same on every send, so a second send is a redelivery, byte for byte. */
    private static final Instant CLASSIFIED_AT = Instant.parse("2026-11-27T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void mongoStoppedDuringSinkingThenStarted() throws Exception {
        Topics topics = Topics.defaults().withPrefix("outage.");
        EmbeddedMongo mongo = EmbeddedMongo.inDirectory(dir.resolve("mongo"), 0);
        int port = Integer.parseInt(mongo.connectionString().substring(mongo.connectionString().lastIndexOf(':') + 1));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            insertQueries(mongo, N);
            SinkService sink = SinkService.start(new SinkConfig(new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1),
                    new MongoSettings(mongo.connectionString(), "outage", "queries", "results", "pipeline_state", "stats"), "outage", 20, "majority",
                    SinkConfig.METRICS_OFF));
            try {
                sendResults(client, topics, 0, N / 3);
                await().atMost(Duration.ofSeconds(30)).until(() -> processed(port) == N / 3);

                mongo.close();
                sendResults(client, topics, N / 3, N);
                await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
                assertThat(sink.problem()).as("an outage is waited out, not a dead loop").isNull();
                mongo = EmbeddedMongo.inDirectory(dir.resolve("mongo"), port);

                await().atMost(Duration.ofSeconds(90)).until(() -> processed(port) == N);
                sendResults(client, topics, 0, N / 3); // redelivered
                await().atMost(Duration.ofSeconds(30)).until(() -> client.committedTotal("outage", topics.classifications()) == N + N / 3);

                assertThat(resultsPerQuery(port)).as("results per query_id").hasSize(N)
                        .allSatisfy(group -> assertThat(group.getInteger("n")).as("results of " + group.get("_id")).isEqualTo(1));
                assertThat(count(port, "queries", Filters.and(Filters.eq("processed", true), Filters.eq("status", "classified"),
                        Filters.eq("processing_attempts", 1)))).as("queries classified exactly once").isEqualTo(N);
            } finally {
                sink.close();
            }
        } finally {
            mongo.close();
        }
    }

    private static void insertQueries(EmbeddedMongo mongo, int n) throws Exception {
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                docs.add(new Document("_id", "q-" + i).append("text", "t" + i).append("processed", false));
            }
            Publishers.first(client.getDatabase("outage").getCollection("queries").insertMany(docs)).get(30, TimeUnit.SECONDS);
        }
    }

    private static void sendResults(KafkaTestClient client, Topics topics, int from, int to) {
        for (int i = from; i < to; i++) {
            ClassificationResult r = new ClassificationResult(1, "q-" + i, IdType.STRING, Source.MONGO,
                    new Classification("other", "other", "neutral"), "offline", "support-v1", 1, 0, null, CLASSIFIED_AT.plusMillis(i));
            client.send(new ProducerRecord<>(topics.classifications(), r.id().getBytes(StandardCharsets.UTF_8), Json.encode(r)));
        }
    }

    private static long processed(int port) throws Exception {
        return count(port, "queries", Filters.eq("processed", true));
    }

    /** {@code {_id: query_id, n: results}} for every query_id present in {@code results}. */
    private static List<Document> resultsPerQuery(int port) throws Exception {
        try (MongoClient client = MongoClients.create("mongodb://localhost:" + port)) {
            MongoCollection<Document> c = client.getDatabase("outage").getCollection("results");
            return Publishers.all(c.aggregate(List.of(Aggregates.group("$query_id", Accumulators.sum("n", 1)))))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    private static long count(int port, String collection, org.bson.conversions.Bson filter) throws Exception {
        try (MongoClient client = MongoClients.create("mongodb://localhost:" + port)) {
            MongoCollection<Document> c = client.getDatabase("outage").getCollection(collection);
            return Publishers.first(c.countDocuments(filter)).get(10, TimeUnit.SECONDS);
        }
    }
}
