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
import dev.triage.core.lifecycle.Resources;
import dev.triage.gateway.http.ClassifyHandler;
import dev.triage.gateway.http.GatewayServer;
import dev.triage.gateway.http.StatsHandler;
import dev.triage.gateway.relay.ChangeStreamRelay;
import dev.triage.gateway.relay.QueryPublisher;
import dev.triage.gateway.relay.RelayLeader;
import dev.triage.gateway.relay.RelayState;
import dev.triage.gateway.reply.ReplyListener;
import dev.triage.gateway.reply.RequestReplyClient;
import io.javalin.Javalin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The gateway, started: reply listener assigned (so no reply can be missed), relay watching
 * MongoDB when enabled, HTTP server listening. Whatever was opened is closed in reverse order by
 * {@link #close()}, or at once if start-up fails half way.
 */
public final class GatewayService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Resources opened;
    private final int port;

    private GatewayService(Resources opened, int port) {
        this.opened = opened;
        this.port = port;
    }

    public static GatewayService start(GatewayConfig config) {
        Resources opened = new Resources();
        try {
            Topics topics = config.kafka().topics();
            TopicAdmin.ensureTopics(config.kafka(), topics.all(), Duration.ofSeconds(30));
            String clientId = "triage-gateway-" + UUID.randomUUID().toString().substring(0, 8);
            KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(config.kafka(), clientId);
            opened.add(producer);
            ReplyListener replies = ReplyListener.assignedTo(
                    KafkaClients.consumer(config.kafka(), null, clientId + "-replies", 500), topics.replies(), START_TIMEOUT);
            Thread listener = new Thread(replies, clientId + "-replies");
            listener.start();
            opened.add(() -> {
                replies.stop();
                listener.join(START_TIMEOUT.toMillis());
            });
            MongoClient mongo = opened.add(MongoClients.create(MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(config.mongo().uri()))
                    .applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS))
                    .build()));
            MongoDatabase db = mongo.getDatabase(config.mongo().database());
            if (config.relayEnabled()) {
                startRelay(config, producer, db, opened);
            }
            RequestReplyClient client = new RequestReplyClient(producer, replies, topics.conversations(), topics.replies(),
                    ThreadLocalRandom.current().nextInt(replies.partitionCount()), Clock.systemUTC());
            Javalin http = GatewayServer.start(config.host(), config.port(), config.maxBodyBytes(),
                    new ClassifyHandler(client, config.classifyTimeout(), Clock.systemUTC()),
                    new StatsHandler(db.getCollection(config.mongo().statsCollection()), Clock.systemUTC()));
            opened.add(http::stop);
            LOG.info("gateway listening on http://{}:{}", config.host(), http.port());
            return new GatewayService(opened, http.port());
        } catch (Exception e) {
            opened.closeAfter(e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException("gateway cannot start: " + e, e);
        }
    }

    private static void startRelay(GatewayConfig config, KafkaProducer<byte[], byte[]> producer, MongoDatabase db,
                                   Resources opened) {
        MongoCollection<Document> queries = db.getCollection(config.mongo().queriesCollection());
        QueryPublisher publisher = new QueryPublisher(producer, config.kafka().topics().conversations(), Clock.systemUTC());
        RelayState state = new RelayState(db.getCollection(config.mongo().stateCollection()),
                queries.getNamespace().getFullName(), Clock.systemUTC());
        String owner = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        opened.add(RelayLeader.start(state, owner, config.relayLeaseTtl(),
                () -> ChangeStreamRelay.start(queries, publisher, state, config.relay())));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }

    /** The HTTP port actually bound (useful when configured as 0). */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        opened.close();
    }
}
