package dev.triage.cli.local;

import dev.triage.classifier.ClassifierConfig;
import dev.triage.classifier.ClassifierService;
import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.lifecycle.Liveness;
import dev.triage.core.lifecycle.Resources;
import dev.triage.gateway.GatewayConfig;
import dev.triage.gateway.GatewayService;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import dev.triage.localstack.Ports;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LlmSimulator;
import dev.triage.sink.SinkConfig;
import dev.triage.sink.SinkService;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The whole pipeline in one process: embedded Kafka and MongoDB, then the sink, the classifier and
 * the gateway wired to them. Everything else comes from the environment as for the real services,
 * except the classifier's and the sink's metrics servers: they are off, the gateway's {@code /metrics}
 * serves the one registry of the process. Closing stops the services first, then the servers.
 *
 * <p>The classifier and the sink are static members of their consumer groups, named
 * {@value #INSTANCE_ID} unless {@code KAFKA_GROUP_INSTANCE_ID} says otherwise: restarted on the same
 * data directory, even after kill -9, they get their partitions back at once instead of waiting for
 * the old session to expire. {@code /health} answers for all three services; {@code /ready} also
 * waits until the classifier holds its partitions, so a ready stack can classify.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * @param kafkaPort   Kafka port, 0 = free port
     * @param mongoPort   MongoDB port, 0 = free port
     * @param gatewayPort HTTP port, 0 = free port
     * @param dataDir     where Kafka and MongoDB keep their data
     * @param llmSim      when not null, classify with the built-in LLM simulator (Ollama protocol over
     *                    HTTP) with these faults, instead of {@code LLM_PROVIDER}
     */
    public record Options(int kafkaPort, int mongoPort, int gatewayPort, Path dataDir, Faults llmSim) {
    }

    /** The simulator of {@code --llm-sim}: answers within 50 to 150 ms. */
    public static Faults demoSimulator() {
        return new Faults().latencyMs(50).jitterMs(100);
    }

    private static final String LLM_SIM_MODEL = "llm-sim";
    static final String INSTANCE_ID = "local";

    private final Resources opened;
    private final EmbeddedKafka kafka;
    private final EmbeddedMongo mongo;
    private final GatewayService gateway;
    private final String model;
    private final MongoSettings mongoSettings;
    private final Liveness liveness;

    private LocalStack(Resources opened, EmbeddedKafka kafka, EmbeddedMongo mongo, GatewayService gateway,
                       String model, MongoSettings mongoSettings, Liveness liveness) {
        this.liveness = liveness;
        this.model = model;
        this.opened = opened;
        this.kafka = kafka;
        this.mongo = mongo;
        this.gateway = gateway;
        this.mongoSettings = mongoSettings;
    }

    public static LocalStack start(Env env, Options options) {
        Resources opened = new Resources();
        try {
            Ports.claim(options.gatewayPort(), "The gateway", "--port");
            EmbeddedMongo mongo = EmbeddedMongo.inDirectory(options.dataDir().resolve("mongo"), options.mongoPort());
            opened.add(mongo);
            EmbeddedKafka kafka = EmbeddedKafka.start(options.kafkaPort(), options.dataDir().resolve("kafka"));
            opened.add(kafka);
            Env local = env.with(Map.of(
                    "KAFKA_GROUP_INSTANCE_ID", env.string("KAFKA_GROUP_INSTANCE_ID", INSTANCE_ID),
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "MONGODB_URI", mongo.connectionString(),
                    "GATEWAY_PORT", String.valueOf(options.gatewayPort()),
                    "STATS_STATE_DIR", options.dataDir().resolve("streams").toString(),
                    "CLASSIFIER_METRICS_PORT", "-1",
                    "SINK_METRICS_PORT", "-1"));
            if (options.llmSim() != null) {
                // results say model "llm-sim": its labels come from a hash of the text, not its meaning
                LlmSimulator sim = opened.add(LlmSimulator.start(0, options.llmSim(), List.of(LLM_SIM_MODEL), 1));
                local = local.with(Map.of("LLM_PROVIDER", "ollama", "LLM_API_URL", sim.url(), "LLM_MODEL", LLM_SIM_MODEL));
            }
            SinkService sink = opened.add(SinkService.start(SinkConfig.fromEnv(local)));
            ClassifierService classifier = opened.add(ClassifierService.start(ClassifierConfig.fromEnv(local)));
            Liveness services = Liveness.all(Map.of("classifier", classifier::problem, "sink", sink::problem));
            GatewayService gateway = GatewayService.start(GatewayConfig.fromEnv(local), services,
                    Map.of("classifier", () -> classifier.assigned() ? CompletableFuture.completedFuture(null)
                            : CompletableFuture.failedFuture(new IllegalStateException(
                                    "not yet assigned the conversations topic's partitions"))));
            opened.add(gateway);
            return new LocalStack(opened, kafka, mongo, gateway, classifier.model(), MongoSettings.fromEnv(local),
                    Liveness.all(Map.of("gateway", gateway::problem, "classifier", classifier::problem,
                            "sink", sink::problem)));
        } catch (RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    /** The classifier's model ({@code offline} for the keyword classifier). */
    public String model() {
        return model;
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public KafkaSettings kafkaSettings(Env env) {
        return KafkaSettings.fromEnv(env).withBootstrapServers(kafka.bootstrapServers());
    }

    /** Where the pipeline's collections are, on the embedded server. */
    public MongoSettings mongo() {
        return mongoSettings;
    }

    public String mongoUri() {
        return mongo.connectionString();
    }

    /** Null while every service runs, else the first one's problem. */
    public String problem() {
        return liveness.problem();
    }

    public int gatewayPort() {
        return gateway.port();
    }

    @Override
    public void close() {
        opened.close();
    }
}
