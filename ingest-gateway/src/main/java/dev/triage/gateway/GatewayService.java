package dev.triage.gateway;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.core.lifecycle.Liveness;
import dev.triage.core.lifecycle.Resources;
import dev.triage.core.metrics.TriageMetrics;
import dev.triage.gateway.http.ClassificationsHandler;
import dev.triage.gateway.http.ClassifyHandler;
import dev.triage.gateway.http.ConversationsHandler;
import dev.triage.gateway.http.GatewayServer;
import dev.triage.gateway.http.HealthHandler;
import dev.triage.gateway.http.HttpSettings;
import dev.triage.gateway.http.ReadyHandler;
import dev.triage.gateway.http.StatsHandler;
import dev.triage.gateway.relay.ChangeStreamRelay;
import dev.triage.gateway.relay.QueryPublisher;
import dev.triage.gateway.relay.RelayLeader;
import dev.triage.gateway.relay.RelayState;
import dev.triage.gateway.reply.ReplyListener;
import dev.triage.gateway.reply.ReplyTopic;
import dev.triage.gateway.reply.RequestReplyClient;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The gateway, started: its reply topic created and the reply listener assigned (so no reply can
 * be missed), relay watching MongoDB when enabled, HTTP server listening. Whatever was opened is
 * closed in reverse order by {@link #close()}, or at once if start-up fails half way.
 * {@link #problem()} (and {@code GET /health}) says when the reply listener or the relay's lease task
 * died or the relay was given up; {@code GET /ready} also says when the relay should run but does not
 * (restarting after a failure, or the lease out of reach).
 */
public final class GatewayService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SEND_BLOCK = Duration.ofSeconds(2);
    /** Longest wait for Kafka's acknowledgement of a request's conversation before answering 503. */
    private static final Duration SEND_DELIVERY = Duration.ofSeconds(10);
    private static final int RESPONSE_THREADS = 16;

    private final Resources opened;
    private final int port;
    private final Liveness liveness;

    private GatewayService(Resources opened, int port, Liveness liveness) {
        this.opened = opened;
        this.port = port;
        this.liveness = liveness;
    }

    /** Starts the gateway alone in its process. */
    public static GatewayService start(GatewayConfig config) {
        return start(config, Liveness.ALIVE);
    }

    /**
     * Starts the gateway beside {@code others} in the same process (as {@code triage local} runs the
     * classifier and the sink): their problems, too, make {@code GET /health} answer 503.
     */
    public static GatewayService start(GatewayConfig config, Liveness others) {
        return start(config, others, Map.of());
    }

    /**
     * As {@link #start(GatewayConfig, Liveness)}, and {@code GET /ready} also runs {@code readyChecks}
     * (as {@code triage local} asks whether its classifier holds its partitions yet).
     */
    public static GatewayService start(GatewayConfig config, Liveness others, Map<String, ReadyHandler.Probe> readyChecks) {
        Resources opened = new Resources();
        try {
            Topics topics = config.kafka().topics();
            TopicAdmin.ensureTopics(config.kafka(), topics.all(), Duration.ofSeconds(30));
            Admin admin = opened.add(Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers())));
            String replyTopic = ReplyTopic.nameFor(topics.replies(), config.instanceId());
            ReplyTopic.ensure(admin, replyTopic, config.kafka().replicationFactor(),
                    max(Duration.ofHours(1), config.http().classifyTimeout().multipliedBy(2)), START_TIMEOUT);
            String clientId = "triage-gateway-" + UUID.randomUUID().toString().substring(0, 8);
            ReplyListener replies = startReplyListener(config, replyTopic, clientId, opened);
            Map<String, Liveness> parts = new HashMap<>();
            parts.put("reply_listener", replies::problem);
            Map<String, ReadyHandler.Probe> checks = new LinkedHashMap<>();
            if (config.relayEnabled()) {
                RelayLeader relay = startRelay(config, mongo(config, Duration.ofSeconds(10), Duration.ZERO, opened),
                        clientId, opened);
                parts.put("relay", relay::problem);
                checks.put("relay", ReadyHandler.Probe.state(relay::notRelaying));
            }
            checks.putAll(readyChecks);
            Liveness liveness = firstOf(Liveness.all(parts), others);
            // the API's own client: a read must fail fast (503) instead of holding an HTTP thread
            MongoDatabase db = mongo(config, SEND_BLOCK, Duration.ofSeconds(5), opened);
            // the API's own producer: it must fail fast (503) instead of holding HTTP threads while Kafka is away
            KafkaProducer<byte[], byte[]> producer = opened.add(KafkaClients.producer(config.kafka(), clientId, SEND_BLOCK,
                    SEND_DELIVERY));
            opened.add(TriageMetrics.bind(producer));
            RequestReplyClient client = new RequestReplyClient(producer, replies, topics.conversations(), replyTopic,
                    Clock.systemUTC());
            Javalin http = GatewayServer.start(config.http(),
                    handlers(config, client, replies, db, admin, liveness, checks, opened), TriageMetrics.registry());
            opened.add(http::stop);
            LOG.info("gateway listening on http://{}:{} (replies on {}, API keys {}, rate limit {})", config.http().host(),
                    http.port(), replyTopic, config.http().apiKeys().enabled() ? "required" : "off",
                    config.http().rateLimit() > 0 ? config.http().rateLimit() + "/s per client" : "off");
            return new GatewayService(opened, http.port(), liveness);
        } catch (Exception e) {
            opened.closeAfter(e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException("gateway cannot start: " + e, e);
        }
    }

    private static ReplyListener startReplyListener(GatewayConfig config, String replyTopic, String clientId,
                                                    Resources opened) {
        var consumer = KafkaClients.consumer(config.kafka(), null, clientId + "-replies", 500);
        ReplyListener replies;
        try {
            replies = ReplyListener.assignedTo(consumer, replyTopic, START_TIMEOUT);
        } catch (RuntimeException e) {
            consumer.close(); // the listener closes it from here on
            throw e;
        }
        opened.add(TriageMetrics.bind(consumer, null));
        Gauge pending = Gauge.builder("triage.gateway.pending", replies, ReplyListener::pending).tag("instance", config.instanceId())
                .description("synchronous requests waiting for their classification").register(TriageMetrics.registry());
        opened.add(() -> TriageMetrics.registry().remove(pending));
        Thread listener = new Thread(replies, clientId + "-replies");
        listener.start();
        opened.add(() -> {
            replies.stop();
            listener.join(START_TIMEOUT.toMillis());
        });
        return replies;
    }

    private static GatewayServer.Handlers handlers(GatewayConfig config, RequestReplyClient client, ReplyListener replies,
                                                   MongoDatabase db, Admin admin, Liveness liveness,
                                                   Map<String, ReadyHandler.Probe> readyChecks, Resources opened) {
        HttpSettings http = config.http();
        ExecutorService probes = Executors.newCachedThreadPool(r -> daemon(r, "triage-gateway-probe"));
        opened.add(probes::shutdownNow);
        ExecutorService responses = Executors.newFixedThreadPool(RESPONSE_THREADS, r -> daemon(r, "triage-gateway-respond"));
        opened.add(responses::shutdownNow);
        Map<String, ReadyHandler.Probe> checks = new LinkedHashMap<>();
        checks.put("kafka", () -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).clusterId()
                .toCompletionStage().toCompletableFuture());
        if (config.relayEnabled()) {
            checks.put("mongodb", () -> CompletableFuture.runAsync(() -> db.runCommand(new Document("ping", 1)), probes));
        }
        checks.putAll(readyChecks);
        return new GatewayServer.Handlers(
                new ClassifyHandler(client, http.limits(), http.classifyTimeout(), http.maxPending(), responses, Clock.systemUTC()),
                new ConversationsHandler(client, http.limits(), responses, Clock.systemUTC()),
                new ClassificationsHandler(db.getCollection(config.mongo().resultsCollection())),
                new StatsHandler(db.getCollection(config.mongo().statsCollection()), Clock.systemUTC()),
                new HealthHandler(liveness),
                new ReadyHandler(replies::running, checks),
                TriageMetrics::scrape);
    }

    private static RelayLeader startRelay(GatewayConfig config, MongoDatabase db, String clientId, Resources opened) {
        KafkaProducer<byte[], byte[]> producer = opened.add(KafkaClients.producer(config.kafka(), clientId + "-relay"));
        opened.add(TriageMetrics.bind(producer));
        MongoCollection<Document> queries = db.getCollection(config.mongo().queriesCollection());
        RelayState state = new RelayState(db.getCollection(config.mongo().stateCollection()),
                queries.getNamespace().getFullName());
        String owner = config.instanceId() + "-" + UUID.randomUUID().toString().substring(0, 8);
        return opened.add(RelayLeader.start(state, owner, config.relayLeaseTtl(),
                // a publisher per relay: its count of unacknowledged sends is that relay's alone
                lease -> ChangeStreamRelay.start(queries, new QueryPublisher(producer, config.kafka().topics().conversations(),
                        Clock.systemUTC()), state, lease, config.relay())));
    }

    /** A client of its own; {@code readTimeout} zero = none (the relay's change stream waits on reads). */
    private static MongoDatabase mongo(GatewayConfig config, Duration serverSelection, Duration readTimeout,
                                       Resources opened) {
        MongoClient client = opened.add(MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(config.mongo().uri()))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(serverSelection.toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(c -> c.readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .build()));
        return client.getDatabase(config.mongo().database());
    }

    /** {@code own}'s problem first: the gateway's parts name themselves before the embedder's. */
    private static Liveness firstOf(Liveness own, Liveness others) {
        return () -> {
            String problem = own.problem();
            return problem != null ? problem : others.problem();
        };
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The HTTP port actually bound (useful when configured as 0). */
    public int port() {
        return port;
    }

    /**
     * Null while the reply listener runs (and the relay, when enabled) and {@code others} report
     * nothing; else why not: the first problem, prefixed with the part's name.
     */
    public String problem() {
        return liveness.problem();
    }

    @Override
    public void close() {
        opened.close();
    }
}
