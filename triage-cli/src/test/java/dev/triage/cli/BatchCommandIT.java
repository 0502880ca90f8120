package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.core.json.Json;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code triage batch} as a user runs it, on the embedded broker and MongoDB-wire server. */
class BatchCommandIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    EmbeddedMongo mongo;
    MongoClient client;
    MongoCollection<Document> queries;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory(0);
        client = MongoClients.create(mongo.connectionString());
        queries = client.getDatabase("batch").getCollection("queries");
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    private CliRun batch(String... more) {
        String[] args = {"batch", "--mongodb-uri", mongo.connectionString(), "--db-name", "batch",
                "--kafka-bootstrap-servers", kafka.bootstrapServers(), "--batch-size", "20"};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliRun.of(all);
    }

    @Test
    void everyUnprocessedQueryIsClassifiedAndTheFailuresCounted() throws Exception {
        queries.insertMany(IntStream.range(0, 50).mapToObj(i -> new Document("_id", "q-" + i)
                .append("text", "I want a refund for order " + i).append("processed", false)).toList());
        queries.insertOne(new Document("_id", "done").append("text", "old").append("processed", true));
        queries.insertOne(new Document("_id", "empty").append("processed", false));
        Path stats = dir.resolve("stats.json");

        CliRun run = batch("--output", stats.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        JsonNode printed = Json.tree(Files.readAllBytes(stats));
        assertThat(printed.get("documents_processed").asInt()).isEqualTo(51);
        assertThat(printed.get("successful").asInt()).isEqualTo(50);
        assertThat(printed.get("failed").asInt()).isEqualTo(1);
        assertThat(printed.get("duration_s").asDouble()).isPositive();
        assertThat(printed.get("throughput_per_s").asDouble()).isPositive();
        assertThat(run.out()).contains("\"documents_processed\":51");
        assertThat(queries.countDocuments(Filters.eq("processed", true))).isEqualTo(51);
        assertThat(client.getDatabase("batch").getCollection("results").countDocuments()).isEqualTo(50);
        // written before batch returns: its sink stops with it
        assertThat(queries.find(Filters.eq("_id", "empty")).first().getString("status")).isEqualTo("failed");
    }

    @Test
    void dryRunWritesTheUnprocessedQueriesAndClassifiesNothing() throws Exception {
        queries.insertMany(IntStream.range(0, 5).mapToObj(i -> new Document("_id", "d-" + i)
                .append("text", "hello " + i).append("processed", false)).toList());
        Path out = dir.resolve("dry.json");

        CliRun run = batch("--dry-run", "--output", out.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("5 unprocessed queries written to");
        assertThat(Json.tree(Files.readAllBytes(out))).hasSize(5);
        assertThat(queries.countDocuments(Filters.eq("processed", true))).isZero();
    }

    @Test
    void nothingToDoIsSuccessAndAMissingMongoIsAClearError() throws Exception {
        CliRun empty = batch();
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliRun missing = CliRun.of("batch", "--mongodb-uri", "mongodb://localhost:" + closed);

        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).contains("\"documents_processed\":0");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot reach MongoDB at mongodb://localhost:" + closed);
    }
}
