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
 * when configured. {@link #close()} stops them in reverse: the worker drains (at most
 * {@value #DRAIN_SECONDS} s: records still with the model then are handed back) and commits, then
 * the producer, the classifier's meters and the policy's scheduler go.
 *
 * <p>The worker keeps up to twice {@code MAX_CONCURRENT} records in progress, so that records
 * waiting to retry a failed call do not leave the model's places empty; the model calls in flight
 * are at most {@code MAX_CONCURRENT} (fewer when the adaptive limit says so).
 */
public final class ClassifierService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierService.class);
    static final int DRAIN_SECONDS = 5;
    private static final Duration RETRY_FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration RETRY_MAX_WAIT = Duration.ofSeconds(10);

    private final Resources opened;
    private final Classifier classifier;
    private final ParallelWorker worker;
    private final int metricsPort;

    private ClassifierService(Resources opened, Classifier classifier, ParallelWorker worker, int metricsPort) {
        this.opened = opened;
        this.classifier = classifier;
        this.worker = worker;
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
            Classifier classifier = opened.add(Providers.create(config.llm(), config.maxConcurrent(), scheduler, registry));
            ParallelWorker worker = startWorker(config, classifier, registry, opened);
            if (config.stats() != null) {
                opened.add(StatsService.start(config.kafka(), StatsService.APPLICATION_ID, config.stats()));
            }
            LOG.info("classifier started: model {}, up to {} in flight, group {}, reading {}", classifier.model(),
                    config.maxConcurrent(), config.groupId(), config.kafka().topics().conversations());
            return new ClassifierService(opened, classifier, worker,
                    MetricsServer.startUnlessOff("classifier", config.metricsPort(), opened, worker::problem));
        } catch (RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    private static ParallelWorker startWorker(ClassifierConfig config, Classifier classifier, MeterRegistry registry,
                                              Resources opened) {
        String clientId = "triage-classifier-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaProducer<byte[], byte[]> producer = opened.add(KafkaClients.producer(config.kafka(), clientId));
        opened.add(TriageMetrics.bind(producer));
        RecordProcessor processor = new RecordProcessor(producer, classifier, config.kafka().topics(), Clock.systemUTC(),
                registry);
        int maxInProgress = 2 * config.maxConcurrent();
        KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(config.kafka(), config.groupId(), clientId + "-in",
                maxInProgress);
        ParallelWorker worker = new ParallelWorker(consumer, processor, new ParallelWorker.Settings(
                config.kafka().topics().conversations(), maxInProgress, config.llm().recordMaxAttempts(),
                Duration.ofSeconds(DRAIN_SECONDS), RETRY_FIRST_WAIT, RETRY_MAX_WAIT), registry);
        opened.add(worker.start());
        opened.add(TriageMetrics.bind(consumer, config.groupId())); // unbound before the worker closes the consumer
        return worker;
    }

    /** Null while the service works, else why it cannot (its worker died). */
    public String problem() {
        return worker.problem();
    }

    /** Whether this classifier holds partitions of the conversations topic, so it can classify what arrives. */
    public boolean assigned() {
        return worker.assignedPartitions() > 0;
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
