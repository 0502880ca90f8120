package dev.triage.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.classifier.ClassifierConfig;
import dev.triage.classifier.ClassifierService;
import dev.triage.core.config.Env;
import dev.triage.core.lifecycle.Resources;
import dev.triage.gateway.GatewayConfig;
import dev.triage.gateway.GatewayService;
import dev.triage.sink.SinkConfig;
import dev.triage.sink.SinkService;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline against a real MongoDB replica set and a real Kafka image. Needs Docker: without it
 * the class is reported as skipped (the embedded-stack tests are the gate then).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersPipelineIT {

    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7");

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @TempDir
    Path dir;

    @Test
    void queriesInARealReplicaSetAreClassifiedThroughARealBroker() throws Exception {
        Env env = new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.getBootstrapServers(),
                "MONGODB_URI", MONGO.getReplicaSetUrl("customer_support"), "LLM_PROVIDER", "offline", "GATEWAY_PORT", "0",
                "STATS_STATE_DIR", dir.toString(), "CLASSIFIER_METRICS_PORT", "-1", "SINK_METRICS_PORT", "-1"));
        try (Resources services = new Resources(); MongoClient client = MongoClients.create(MONGO.getReplicaSetUrl("customer_support"))) {
            services.add(SinkService.start(SinkConfig.fromEnv(env)));
            services.add(ClassifierService.start(ClassifierConfig.fromEnv(env)));
            services.add(GatewayService.start(GatewayConfig.fromEnv(env)));
            MongoCollection<Document> queries = client.getDatabase("customer_support").getCollection("queries");

            queries.insertMany(IntStream.range(0, 100).mapToObj(i -> new Document("text", "Where is my order " + i + "?")
                    .append("processed", false)).toList());

            await().atMost(Duration.ofMinutes(2)).until(() -> queries.countDocuments(Filters.eq("processed", true)) == 100);
            assertThat(client.getDatabase("customer_support").getCollection("results").countDocuments()).isEqualTo(100);
        }
    }
}
