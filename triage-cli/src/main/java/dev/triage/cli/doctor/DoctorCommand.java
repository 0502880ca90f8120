package dev.triage.cli.doctor;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import dev.triage.classifier.Classifier;
import dev.triage.classifier.Labels;
import dev.triage.classifier.learned.LearnedClassifier;
import dev.triage.classifier.llm.LlmSettings;
import dev.triage.classifier.llm.Providers;
import dev.triage.cli.batch.MongoOptions;
import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.metrics.TriageMetrics;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code triage doctor}: checks what the services need, one line each with a hint when something
 * is wrong: MongoDB (reachable, authorised, change streams, the results index), Kafka (reachable,
 * topics and partitions), the model (reachable, model present, one sample classification valid and
 * its latency). Exit code 1 when anything needed is broken; warnings do not fail.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check MongoDB, Kafka and the model server as configured, and explain what is wrong.")
public final class DoctorCommand implements Callable<Integer> {

    @Mixin
    MongoOptions mongoOptions = new MongoOptions();

    @Option(names = "--kafka-bootstrap-servers", description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrap;

    @Option(names = "--llm-provider", description = "ollama, openai, offline or auto (env LLM_PROVIDER).")
    String provider;

    @Option(names = "--llm-api-url", description = "Model server URL (env LLM_API_URL).")
    String apiUrl;

    @Option(names = "--llm-model", description = "Model (env LLM_MODEL).")
    String model;

    private final Report report = new Report();

    @Override
    public Integer call() {
        Map<String, String> flags = new HashMap<>(mongoOptions.asEnv());
        MongoOptions.put(flags, "KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        MongoOptions.put(flags, "LLM_PROVIDER", provider);
        MongoOptions.put(flags, "LLM_API_URL", apiUrl);
        MongoOptions.put(flags, "LLM_MODEL", model);
        Env env = Env.load().with(flags);
        checkMongo(MongoSettings.fromEnv(env));
        checkKafka(KafkaSettings.fromEnv(env));
        checkModel(LlmSettings.fromEnv(env));
        return report.broken() ? 1 : 0;
    }

    private void checkMongo(MongoSettings settings) {
        String where = MongoSettings.mask(settings.uri());
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(settings.uri()))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(5, TimeUnit.SECONDS)).build())) {
            MongoDatabase db = client.getDatabase(settings.database());
            try {
                db.runCommand(new Document("ping", 1));
                report.ok("MongoDB reachable at " + where);
            } catch (MongoException e) {
                report.broken("MongoDB not reachable at " + where, "start it, or set MONGODB_URI: " + e.getMessage());
                return;
            }
            try {
                List<String> names = db.listCollectionNames().into(new java.util.ArrayList<>());
                report.ok("MongoDB authorised on database " + settings.database() + " (" + names.size() + " collections)");
            } catch (MongoException e) {
                report.broken("MongoDB refuses database " + settings.database(), "check the user and password in MONGODB_URI: " + e.getMessage());
                return;
            }
            try (var stream = db.getCollection(settings.queriesCollection()).watch().cursor()) {
                report.ok("MongoDB change streams work on " + settings.queriesCollection());
            } catch (MongoException e) {
                report.broken("MongoDB change streams unavailable", "the relay needs a replica set (rs.initiate()): " + e.getMessage());
            }
            boolean indexed = db.getCollection(settings.resultsCollection()).listIndexes().into(new java.util.ArrayList<>())
                    .stream().anyMatch(i -> i.get("key", Document.class).containsKey("query_id") && i.getBoolean("unique", false));
            if (indexed) {
                report.ok("unique index on " + settings.resultsCollection() + ".query_id present");
            } else {
                report.warn("no unique index on " + settings.resultsCollection() + ".query_id yet", "the sink creates it when it starts");
            }
        }
    }

    private void checkKafka(KafkaSettings kafka) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
            int brokers = admin.describeCluster().nodes().get(6, TimeUnit.SECONDS).size();
            report.ok("Kafka reachable at " + kafka.bootstrapServers() + " (" + brokers + " brokers)");
            var existing = admin.listTopics().names().get(6, TimeUnit.SECONDS);
            for (String topic : kafka.topics().all()) {
                if (!existing.contains(topic)) {
                    report.warn("topic " + topic + " missing", "the services create it at start (TOPIC_PARTITIONS=" + kafka.partitions() + ")");
                    continue;
                }
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(6, TimeUnit.SECONDS).get(topic);
                report.ok("topic " + topic + ": " + d.partitions().size() + " partitions");
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            report.broken("Kafka not reachable at " + kafka.bootstrapServers(), "start it, or set KAFKA_BOOTSTRAP_SERVERS: " + e);
        }
    }

    private void checkModel(LlmSettings settings) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            Classifier classifier = Providers.create(settings, 1, scheduler, TriageMetrics.registry());
            if (classifier.model().equals(LearnedClassifier.MODEL) && settings.provider() != LlmSettings.Provider.OFFLINE) {
                report.warn("no model server: the learned classifier (no LLM) will be used",
                        "start Ollama with the model (ollama pull " + settings.model() + ") or set LLM_PROVIDER/LLM_API_URL");
            }
            long started = System.nanoTime();
            Labels labels = classifier.classify(ConversationEnvelope.of("doctor", IdType.STRING, Source.API,
                    List.of(new Message("customer", "My parcel never arrived and I want a refund.")), Map.of(), Instant.now()))
                    .get(settings.policy().callTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            report.ok("model " + classifier.model() + " classified a sample in " + (System.nanoTime() - started) / 1_000_000
                    + " ms: " + labels.classification());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            report.broken("model " + settings.model() + " at " + settings.apiUrl() + " cannot classify",
                    "check LLM_PROVIDER, LLM_API_URL, LLM_MODEL, LLM_API_KEY: " + dev.triage.core.lifecycle.Failures.cause(e));
        } finally {
            scheduler.shutdownNow();
        }
    }
}
