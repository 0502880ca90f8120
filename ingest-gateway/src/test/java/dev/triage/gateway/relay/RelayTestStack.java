package dev.triage.gateway.relay;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.gateway.GatewayConfig;
import dev.triage.gateway.GatewayService;
import dev.triage.gateway.http.HttpSettings;
import dev.triage.localstack.EmbeddedMongo;
import dev.triage.localstack.testing.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * One test's MongoDB-wire server (in a directory, so it can be stopped and started again on the
 * same port; or in memory, faster), its topics on the class's broker, and gateways with the relay on.
 */
final class RelayTestStack implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    final Topics topics;
    final MongoClient client;
    final MongoCollection<Document> queries;
    final KafkaTestClient kafkaClient;
    private final String bootstrap;
    private final Path mongoDir;
    private final List<GatewayService> gateways = new ArrayList<>();
    private EmbeddedMongo mongo;
    private final int mongoPort;

    /** @param mongoDir where MongoDB keeps its data; null: in memory (then it cannot be restarted) */
    RelayTestStack(String bootstrap, String testName, Path mongoDir) {
        this(bootstrap, testName, mongoDir, mongoDir == null ? EmbeddedMongo.inMemory(0) : EmbeddedMongo.inDirectory(mongoDir, 0));
    }

    /** In memory, with an oplog of {@code oplogEntries} entries (to roll it over). */
    RelayTestStack(String bootstrap, String testName, long oplogEntries) {
        this(bootstrap, testName, null, EmbeddedMongo.inMemory(0, oplogEntries));
    }

    private RelayTestStack(String bootstrap, String testName, Path mongoDir, EmbeddedMongo mongo) {
        this.bootstrap = bootstrap;
        this.mongoDir = mongoDir;
        this.topics = Topics.defaults().withPrefix(testName + ".");
        this.mongo = mongo;
        this.mongoPort = URI.create(mongo.connectionString()).getPort();
        this.client = MongoClients.create(mongo.connectionString());
        this.queries = client.getDatabase("relay").getCollection("queries");
        this.kafkaClient = new KafkaTestClient(bootstrap);
    }

    GatewayService gateway(Duration leaseTtl) {
        return gateway(leaseTtl, 1000);
    }

    /** A gateway whose relay confirms its lease (and waits for Kafka) every {@code checkpointEvents} events. */
    GatewayService gateway(Duration leaseTtl, int checkpointEvents) {
        GatewayService gateway = GatewayService.start(new GatewayConfig(
                new KafkaSettings(bootstrap, topics, 3, (short) 1),
                new MongoSettings(mongo.connectionString(), "relay", "queries", "results", "pipeline_state", "stats"),
                HttpSettings.fromEnv(new Env(Map.of("GATEWAY_HOST", "localhost", "GATEWAY_PORT", "0"))),
                "relay-it", true, leaseTtl,
                new ChangeStreamRelay.Settings(Duration.ofMillis(50), checkpointEvents, Duration.ofMillis(200))));
        synchronized (gateways) {
            gateways.add(gateway);
        }
        return gateway;
    }

    /** Stops the MongoDB-wire server; its data stays in its directory. */
    void stopMongo() {
        mongo.close();
    }

    /** Starts it again on the same port, with the same data. */
    void startMongo() {
        mongo = EmbeddedMongo.inDirectory(mongoDir, mongoPort);
    }

    List<ConversationEnvelope> published() {
        return kafkaClient.readAvailable(topics.conversations()).stream()
                .map(r -> Json.decode(r.value(), ConversationEnvelope.class)).toList();
    }

    /** How many records the conversations topic holds, from its end offsets (cheap: nothing is read). */
    long publishedRecords() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.conversations()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * How many times each key (the query's id) was published, read up to the end offsets within
     * {@code atMost}: for topics too large for {@link KafkaTestClient#readAvailable}'s 10 s.
     */
    Map<String, Long> publishedKeyCounts(Duration atMost) {
        Map<String, Long> counts = new java.util.HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.conversations()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(atMost).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> counts.merge(
                        new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), 1L, Long::sum));
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        return counts;
    }

    /** How many times each id was published: a duplicate shows as a count above 1. */
    Map<String, Long> publishedCounts() {
        return published().stream().collect(Collectors.groupingBy(ConversationEnvelope::id, Collectors.counting()));
    }

    void awaitDistinct(int ids, Duration atMost) {
        await().atMost(atMost).until(() -> publishedCounts().size() == ids);
    }

    static HttpResponse<String> get(GatewayService gateway, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
        return items.stream().collect(Collectors.toMap(id, Function.identity(), (a, b) -> a));
    }

    @Override
    public void close() {
        synchronized (gateways) {
            gateways.forEach(GatewayService::close);
        }
        kafkaClient.close();
        client.close();
        mongo.close();
    }
}
