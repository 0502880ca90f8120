package dev.triage.sink;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.triage.core.kafka.BatchLoop;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.lifecycle.Resources;
import dev.triage.core.metrics.MetricsServer;
import dev.triage.core.metrics.TriageMetrics;
import dev.triage.sink.write.ResultWriter;
import dev.triage.sink.write.SinkHandler;
import dev.triage.sink.write.SinkMetrics;
import dev.triage.sink.write.StatsWriter;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sink service, started: MongoDB connected and indexed, the result loop running on its own
 * thread with its consumer's metrics bound, and the metrics server when configured.
 * {@link #close()} stops them in reverse: the loop finishes the batch in hand, then the clients close.
 */
public final class SinkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final Resources opened;
    private final BatchLoop loop;
    private final int metricsPort;

    private SinkService(Resources opened, BatchLoop loop, int metricsPort) {
        this.opened = opened;
        this.loop = loop;
        this.metricsPort = metricsPort;
    }

    public static SinkService start(SinkConfig config) {
        TopicAdmin.ensureTopics(config.kafka(), config.kafka().topics().all(), Duration.ofSeconds(30));
        Resources opened = new Resources();
        try {
            MongoClient mongo = opened.add(MongoClients.create(MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(config.mongo().uri()))
                    .applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS))
                    .build()));
            MongoDatabase db = mongo.getDatabase(config.mongo().database());
            WriteConcern concern = config.writeConcern();
            ResultWriter writer = new ResultWriter(
                    db.getCollection(config.mongo().resultsCollection()).withWriteConcern(concern),
                    db.getCollection(config.mongo().queriesCollection()).withWriteConcern(concern), Clock.systemUTC());
            createIndexes(writer, config);
            StatsWriter stats = new StatsWriter(db.getCollection(config.mongo().statsCollection()).withWriteConcern(concern));
            BatchLoop loop = startLoop(config, writer, stats, opened);
            LOG.info("sink started: group {}, {} -> {}.{}", config.groupId(), config.kafka().topics().classifications(),
                    config.mongo().database(), config.mongo().resultsCollection());
            return new SinkService(opened, loop,
                    MetricsServer.startUnlessOff("sink", config.metricsPort(), opened, () -> problem(loop)));
        } catch (RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    private static void createIndexes(ResultWriter writer, SinkConfig config) {
        try {
            writer.createIndexes().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sink interrupted while connecting to MongoDB " + config.mongo(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("sink cannot start against MongoDB " + config.mongo() + ": " + e, e);
        }
    }

    private static BatchLoop startLoop(SinkConfig config, ResultWriter writer, StatsWriter stats, Resources opened) {
        String clientId = "triage-sink-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(config.kafka(), clientId);
        KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = KafkaClients.consumer(config.kafka(), config.groupId(), clientId + "-in", config.batchSize());
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
        SinkHandler handler = new SinkHandler(writer, stats, config.kafka().topics().stats(), producer,
                config.kafka().topics().deadLetter(), WRITE_TIMEOUT, Clock.systemUTC(),
                new SinkMetrics(TriageMetrics.registry()));
        BatchLoop loop = new BatchLoop(clientId, consumer,
                List.of(config.kafka().topics().classifications(), config.kafka().topics().deadLetter(),
                        config.kafka().topics().stats()),
                handler, RETRY_PAUSE, System::nanoTime, producer::close);
        opened.add(loop.start());
        opened.add(TriageMetrics.bind(consumer, config.groupId())); // unbound before the loop closes the consumer
        return loop;
    }

    /** The port serving {@code GET /metrics}, or {@link SinkConfig#METRICS_OFF} when none is served. */
    public int metricsPort() {
        return metricsPort;
    }

    /**
     * Null while the result loop runs (or was closed); else why it died: nothing is written any more,
     * and only a restart helps. Served as the metrics server's {@code /health}.
     */
    public String problem() {
        return problem(loop);
    }

    private static String problem(BatchLoop loop) {
        String problem = loop.problem();
        return problem == null ? null : "the result loop stopped: " + problem;
    }

    /** Stops the loop (it finishes the batch in hand), then closes the clients. */
    @Override
    public void close() {
        opened.close();
    }
}
