package dev.triage.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every query ends with exactly one result although the relay, the classifier and the sink are
 * each killed ({@code kill -9}: no commit, no saved position, no lease given up) and restarted in
 * the middle of a run. The three services run as separate processes, as in production.
 */
class CrashRecoveryIT {

    private static final int N = 2000;

    @TempDir
    Path dir;
    private final Map<String, Process> services = new HashMap<>();

    @AfterEach
    void stopServices() {
        services.values().forEach(Process::destroyForcibly);
    }

    @Test
    void killedAndRestartedServicesLoseNothingAndDuplicateNothing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
             EmbeddedMongo mongo = EmbeddedMongo.inMemory(0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            Map<String, String> env = env(kafka, mongo);
            MongoCollection<Document> queries = client.getDatabase("crash").getCollection("queries");
            MongoCollection<Document> results = client.getDatabase("crash").getCollection("results");
            for (String service : List.of("sink", "classifier", "gateway")) {
                start(service, env);
            }
            Set<Object> ids = new HashSet<>();
            for (int chunk = 0; chunk < 20; chunk++) {
                List<Document> docs = IntStream.range(0, N / 20).mapToObj(i -> new Document("_id", new ObjectId())
                        .append("text", "Please refund my order, it never arrived").append("processed", false)).toList();
                docs.forEach(d -> ids.add(d.get("_id")));
                queries.insertMany(new ArrayList<>(docs));
                switch (chunk) {
                    case 5 -> restartAbruptly("classifier", env);
                    case 10 -> restartAbruptly("sink", env);
                    case 15 -> restartAbruptly("gateway", env);
                    default -> { }
                }
                await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }

            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> queries.countDocuments(Filters.eq("processed", true)) == N);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30))
                    .until(() -> results.countDocuments() == N);

            Set<Object> resultIds = new HashSet<>();
            results.find().forEach(r -> resultIds.add(r.get("query_id")));
            assertThat(resultIds).isEqualTo(ids);
            assertThat(queries.countDocuments(Filters.ne("status", "classified"))).isZero();
        }
    }

    private void restartAbruptly(String service, Map<String, String> env) throws Exception {
        Process process = services.get(service);
        process.destroyForcibly().waitFor();
        start(service, env);
    }

    private void start(String service, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), TriageCli.class.getName(), service)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), service + ".log")));
        builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("MONGODB_")
                || k.startsWith("LLM_") || k.startsWith("TOPIC_"));
        builder.environment().putAll(env);
        services.put(service, builder.start());
    }

    private static Map<String, String> env(EmbeddedKafka kafka, EmbeddedMongo mongo) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_SESSION_TIMEOUT", "6s");
        env.put("MONGODB_URI", mongo.connectionString());
        env.put("MONGODB_DB", "crash");
        env.put("LLM_PROVIDER", "offline");
        env.put("GATEWAY_PORT", "0");
        env.put("RELAY_LEASE_TTL", "3s");
        env.put("BATCH_SIZE", "50");
        env.put("LOG_LEVEL", "INFO");
        env.put("STATS_ENABLED", "false");
        env.put("CLASSIFIER_METRICS_PORT", "0");
        env.put("SINK_METRICS_PORT", "0");
        return env;
    }
}
