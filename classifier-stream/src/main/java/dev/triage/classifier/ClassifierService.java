package dev.triage.classifier;

import dev.triage.classifier.worker.ConversationHandler;
import dev.triage.core.kafka.BatchLoop;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.TopicAdmin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The classifier service, started: topics ensured, clients open, the consume-classify-produce
 * loop running on its own thread. {@link #close()} stops it and waits for the batch in hand.
 */
public final class ClassifierService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierService.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final int MAX_POLL_RECORDS = 500;

    private final BatchLoop loop;

    private ClassifierService(BatchLoop loop) {
        this.loop = loop;
    }

    public static ClassifierService start(ClassifierConfig config, Classifier classifier) {
        TopicAdmin.ensureTopics(config.kafka(), config.kafka().topics().all(), Duration.ofSeconds(60));
        String clientId = "triage-classifier-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(config.kafka(), clientId);
        KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = KafkaClients.consumer(config.kafka(), config.groupId(), clientId, MAX_POLL_RECORDS);
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
        ConversationHandler handler = new ConversationHandler(producer, classifier, config.kafka().topics(),
                Clock.systemUTC());
        BatchLoop loop = new BatchLoop(clientId, consumer, List.of(config.kafka().topics().conversations()),
                handler, RETRY_PAUSE, d -> Thread.sleep(d.toMillis()), producer::close);
        loop.start();
        LOG.info("classifier started: model {}, group {}, reading {}", classifier.model(), config.groupId(),
                config.kafka().topics().conversations());
        return new ClassifierService(loop);
    }

    @Override
    public void close() throws InterruptedException {
        loop.close();
    }
}
