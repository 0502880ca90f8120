package dev.triage.classifier;

import dev.triage.classifier.llm.Providers;
import dev.triage.classifier.stats.StatsService;
import dev.triage.classifier.worker.ParallelWorker;
import dev.triage.classifier.worker.RecordProcessor;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.lifecycle.Resources;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The classifier service, started: topics ensured, the classifier chosen from the configuration,
 * clients open, the {@link ParallelWorker} running. {@link #close()} stops the worker (it drains
 * and commits), then closes the producer and the policy's scheduler.
 */
public final class ClassifierService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierService.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration OUTAGE_FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration OUTAGE_MAX_WAIT = Duration.ofSeconds(10);

    private final Resources opened;
    private final Classifier classifier;

    private ClassifierService(Resources opened, Classifier classifier) {
        this.opened = opened;
        this.classifier = classifier;
    }

    public static ClassifierService start(ClassifierConfig config) {
        Resources opened = new Resources();
        try {
            TopicAdmin.ensureTopics(config.kafka(), config.kafka().topics().all(), Duration.ofSeconds(30));
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "triage-classifier-timer");
                t.setDaemon(true);
                return t;
            });
            opened.add(scheduler::shutdownNow);
            Classifier classifier = Providers.create(config.llm(), scheduler);
            String clientId = "triage-classifier-" + UUID.randomUUID().toString().substring(0, 8);
            KafkaProducer<byte[], byte[]> producer = opened.add(KafkaClients.producer(config.kafka(), clientId));
            RecordProcessor processor = new RecordProcessor(producer, classifier, config.kafka().topics(), Clock.systemUTC());
            ParallelWorker worker = new ParallelWorker(
                    KafkaClients.consumer(config.kafka(), config.groupId(), clientId, config.maxConcurrent()),
                    processor, config.kafka().topics().conversations(), config.maxConcurrent(), DRAIN_TIMEOUT,
                    scheduler, OUTAGE_FIRST_WAIT, OUTAGE_MAX_WAIT);
            opened.add(worker.start());
            if (config.stats() != null) {
                opened.add(StatsService.start(config.kafka(), "triage-stats", config.stats()));
            }
            LOG.info("classifier started: model {}, up to {} in flight, group {}, reading {}", classifier.model(),
                    config.maxConcurrent(), config.groupId(), config.kafka().topics().conversations());
            return new ClassifierService(opened, classifier);
        } catch (RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    /** The model in use ({@code offline} when none). */
    public String model() {
        return classifier.model();
    }

    @Override
    public void close() {
        opened.close();
    }
}
