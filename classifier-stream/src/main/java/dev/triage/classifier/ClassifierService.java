package dev.triage.classifier;

import dev.triage.classifier.llm.Providers;
import dev.triage.classifier.stats.StatsService;
import dev.triage.classifier.worker.ParallelWorker;
import dev.triage.classifier.worker.RecordProcessor;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.lifecycle.Resources;
import dev.triage.core.metrics.MetricsServer;
import dev.triage.core.metrics.TriageMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * clients open and their metrics bound, the {@link ParallelWorker} running, and the metrics server
 * when configured. {@link #close()} stops them in reverse: the worker drains and commits, then the
 * producer, the classifier's meters and the policy's scheduler go.
 */
public final class ClassifierService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierService.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration OUTAGE_FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration OUTAGE_MAX_WAIT = Duration.ofSeconds(10);

    private final Resources opened;
    private final Classifier classifier;
    private final int metricsPort;

    private ClassifierService(Resources opened, Classifier classifier, int metricsPort) {
        this.opened = opened;
        this.classifier = classifier;
        this.metricsPort = metricsPort;
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
            MeterRegistry registry = TriageMetrics.registry();
            Classifier classifier = opened.add(Providers.create(config.llm(), scheduler, registry));
            startWorker(config, classifier, scheduler, registry, opened);
            if (config.stats() != null) {
                opened.add(StatsService.start(config.kafka(), "triage-stats", config.stats()));
            }
            LOG.info("classifier started: model {}, up to {} in flight, group {}, reading {}", classifier.model(),
                    config.maxConcurrent(), config.groupId(), config.kafka().topics().conversations());
            return new ClassifierService(opened, classifier,
                    MetricsServer.startUnlessOff("classifier", config.metricsPort(), opened));
        } catch (RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    private static void startWorker(ClassifierConfig config, Classifier classifier, ScheduledExecutorService scheduler,
                                    MeterRegistry registry, Resources opened) {
        String clientId = "triage-classifier-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaProducer<byte[], byte[]> producer = opened.add(KafkaClients.producer(config.kafka(), clientId));
        opened.add(TriageMetrics.bind(producer));
        RecordProcessor processor = new RecordProcessor(producer, classifier, config.kafka().topics(), Clock.systemUTC(),
                registry);
        KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(config.kafka(), config.groupId(), clientId + "-in",
                config.maxConcurrent());
        ParallelWorker worker = new ParallelWorker(consumer, processor, config.kafka().topics().conversations(),
                config.maxConcurrent(), DRAIN_TIMEOUT, scheduler, OUTAGE_FIRST_WAIT, OUTAGE_MAX_WAIT, registry);
        opened.add(worker.start());
        opened.add(TriageMetrics.bind(consumer)); // unbound before the worker closes the consumer
    }

    /** The model in use ({@code offline} when none). */
    public String model() {
        return classifier.model();
    }

    /** The port serving {@code GET /metrics}, or {@link ClassifierConfig#METRICS_OFF} when none is served. */
    public int metricsPort() {
        return metricsPort;
    }

    @Override
    public void close() {
        opened.close();
    }
}
