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
import dev.triage.sink.write.SinkHandler;
import dev.triage.sink.write.ResultWriter;
import dev.triage.sink.write.StatsWriter;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The sink service, started: MongoDB connected and indexed, the result loop running on its own
 * thread. {@link #close()} stops the loop, waits for the batch in hand, and closes the clients.
 */
public final class SinkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final MongoClient mongo;
    private final BatchLoop loop;

    private SinkService(MongoClient mongo, BatchLoop loop) {
        this.mongo = mongo;
        this.loop = loop;
    }

    public static SinkService start(SinkConfig config) {
        TopicAdmin.ensureTopics(config.kafka(), config.kafka().topics().all(), Duration.ofSeconds(30));
        MongoClient mongo = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(config.mongo().uri()))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS))
                .build());
        try {
            MongoDatabase db = mongo.getDatabase(config.mongo().database());
            WriteConcern concern = config.writeConcern();
            ResultWriter writer = new ResultWriter(
                    db.getCollection(config.mongo().resultsCollection()).withWriteConcern(concern),
                    db.getCollection(config.mongo().queriesCollection()).withWriteConcern(concern), Clock.systemUTC());
            writer.createIndexes().get(30, TimeUnit.SECONDS);
            StatsWriter stats = new StatsWriter(db.getCollection(config.mongo().statsCollection()).withWriteConcern(concern));
            return startLoop(config, mongo, writer, stats);
        } catch (Exception e) {
            mongo.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("sink cannot start against MongoDB " + config.mongo() + ": " + e, e);
        }
    }

    private static SinkService startLoop(SinkConfig config, MongoClient mongo, ResultWriter writer, StatsWriter stats) {
        String clientId = "triage-sink-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(config.kafka(), clientId);
        KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = KafkaClients.consumer(config.kafka(), config.groupId(), clientId, config.batchSize());
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
        SinkHandler handler = new SinkHandler(writer, stats, config.kafka().topics().stats(), producer, config.kafka().topics().deadLetter(),
                WRITE_TIMEOUT, Clock.systemUTC());
        BatchLoop loop = new BatchLoop(clientId, consumer,
                List.of(config.kafka().topics().classifications(), config.kafka().topics().deadLetter(),
                        config.kafka().topics().stats()),
                handler, RETRY_PAUSE, System::nanoTime, producer::close);
        loop.start();
        LOG.info("sink started: group {}, {} -> {}.{}", config.groupId(), config.kafka().topics().classifications(),
                config.mongo().database(), config.mongo().resultsCollection());
        return new SinkService(mongo, loop);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            loop.close();
        } finally {
            mongo.close();
        }
    }
}
