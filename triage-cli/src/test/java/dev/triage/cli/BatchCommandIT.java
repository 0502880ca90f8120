package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.classifier.ClassifierConfig;
import dev.triage.classifier.ClassifierService;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.lifecycle.Resources;
import dev.triage.sink.SinkConfig;
import dev.triage.sink.SinkService;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        queries.insertOne(new Document("_id", "huge").append("text", "x".repeat(1_200_000)).append("processed", false));
        Path stats = dir.resolve("stats.json");

        CliRun run = batch("--output", stats.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        JsonNode printed = Json.tree(Files.readAllBytes(stats));
        assertThat(printed.get("documents_processed").asInt()).isEqualTo(52);
        assertThat(printed.get("successful").asInt()).isEqualTo(50);
        assertThat(printed.get("failed").asInt()).isEqualTo(2);
        assertThat(printed.get("duration_s").asDouble()).isPositive();
        assertThat(printed.get("throughput_per_s").asDouble()).isPositive();
        assertThat(run.out()).contains("\"documents_processed\":52").contains("\"run_id\":\"batch-");
        assertThat(queries.countDocuments(Filters.eq("processed", true))).isEqualTo(51);
        assertThat(client.getDatabase("batch").getCollection("results").countDocuments()).isEqualTo(50);
        // written before batch returns: its sink stops with it
        assertThat(queries.find(Filters.eq("_id", "empty")).first().getString("status")).isEqualTo("failed");
        // too large for Kafka: failed by the batch itself, with the reason, instead of waiting out --timeout
        assertThat(queries.find(Filters.eq("_id", "huge")).first().getString("last_error"))
                .startsWith("INVALID_PAYLOAD: Kafka refused it");
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

    @Test
    void aBatchNextToARunningPipelineOnTheSameKafkaKeepsItsQueriesAndCountsWhatMongoHolds() throws Exception {
        // the running stack: a classifier and a sink with the default topics and groups, writing to another database
        Env running = Env.load(dir.resolve("no.env"), Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "MONGODB_URI", mongo.connectionString(), "MONGODB_DB", "running", "LLM_PROVIDER", "offline",
                "STATS_ENABLED", "false", "CLASSIFIER_METRICS_PORT", "-1", "SINK_METRICS_PORT", "-1"));
        queries.insertMany(IntStream.range(0, 40).mapToObj(i -> new Document("_id", "n-" + i)
                .append("text", "My parcel is late, order " + i).append("processed", false)).toList());

        CliRun first;
        CliRun second;
        try (Resources stack = new Resources()) {
            stack.add(SinkService.start(SinkConfig.fromEnv(running)));
            stack.add(ClassifierService.start(ClassifierConfig.fromEnv(running)));
            first = batch("--concurrent", "4");
            second = batch();
        }

        assertThat(first.exit()).as(first.err()).isZero();
        JsonNode printed = Json.tree(first.out().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(printed.get("successful").asInt()).isEqualTo(40);
        assertThat(printed.get("failed").asInt()).isZero();
        assertThat(queries.countDocuments(Filters.eq("processed", true))).isEqualTo(40);
        assertThat(client.getDatabase("batch").getCollection("results").countDocuments()).isEqualTo(40);
        assertThat(client.getDatabase("running").getCollection("results").countDocuments()).isZero();
        assertThat(second.exit()).isZero();
        assertThat(second.out()).contains("\"documents_processed\":0");
        // the run's own topics are gone with it
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).noneMatch(t -> t.contains(".batch-"));
        }
    }

    @Test
    void debugLoggingShowsTheRunsStepsAndThroughputIsNeverRoundedToZero() throws Exception {
        queries.insertOne(new Document("_id", "one").append("text", "Thanks, all good now").append("processed", false));

        CliRun run = batch("--log-level", "DEBUG");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("published 1 conversations to triage.conversations.batch-")
                .contains("counted in MongoDB: 1 classified, 0 failed, 0 unsettled");
        assertThat(Json.tree(run.out().getBytes(java.nio.charset.StandardCharsets.UTF_8)).get("throughput_per_s").asDouble())
                .isPositive();
    }

    @Test
    void aRunThatStopsWaitingSaysSoAndExitsThree() throws Exception {
        queries.insertMany(IntStream.range(0, 3).mapToObj(i -> new Document("_id", "t-" + i)
                .append("text", "Where is my refund " + i).append("processed", false)).toList());
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        // a model server that is down is an outage: nothing is dead-lettered, the run never settles
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), TriageCli.class.getName(),
                "batch", "--mongodb-uri", mongo.connectionString(), "--db-name", "batch",
                "--kafka-bootstrap-servers", kafka.bootstrapServers(), "--timeout", "10")
                .directory(dir.toFile()).redirectError(new File(dir.toFile(), "timeout.err"))
                .redirectOutput(new File(dir.toFile(), "timeout.out"));
        builder.environment().keySet().removeIf(k -> k.startsWith("LLM_") || k.startsWith("MONGODB_") || k.startsWith("KAFKA_"));
        builder.environment().putAll(Map.of("LLM_PROVIDER", "ollama", "LLM_API_URL", "http://localhost:" + closed));
        Process process = builder.start();

        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String err = Files.readString(dir.resolve("timeout.err"));
        assertThat(process.exitValue()).as(err).isEqualTo(3);
        assertThat(err).contains("stopped waiting after 10 s (--timeout) with 3 of 3 queries unsettled");
        JsonNode printed = Json.tree(Files.readAllBytes(dir.resolve("timeout.out")));
        assertThat(printed.get("unsettled").asInt()).isEqualTo(3);
        assertThat(printed.get("successful").asInt()).isZero();
        assertThat(queries.countDocuments(Filters.ne("processed", true))).isEqualTo(3);
    }
}
