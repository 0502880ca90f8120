package dev.triage.core.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The process's one metrics registry, scraped in Prometheus text format at {@code /metrics}.
 * One per process because {@code ./triage local} runs every service in one JVM and serves their
 * metrics together; classes that record take a {@code MeterRegistry} in their constructor, so
 * their tests can pass a fresh one.
 */
public final class TriageMetrics {

    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The {@code group} tag of a consumer without a group. */
    public static final String NO_GROUP = "none";

    private static final PrometheusMeterRegistry REGISTRY = create();

    private TriageMetrics() {
    }

    public static PrometheusMeterRegistry registry() {
        return REGISTRY;
    }

    public static String scrape() {
        return REGISTRY.scrape();
    }

    /** Publishes a producer's own metrics (send rate, errors, latency); close it with the producer. */
    public static AutoCloseable bind(Producer<?, ?> producer) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(REGISTRY);
        return metrics;
    }

    /**
     * Publishes a consumer's own metrics (fetch rate, records lag); close it with the consumer. Each
     * is tagged {@code group} with the consumer group ({@value #NO_GROUP} for a consumer that assigns
     * its partitions itself), so lag can be shown per group: the client id names only the instance.
     * The group is given, not asked of the consumer, which may already be polling on another thread.
     *
     * @param group the consumer's {@code group.id}, null for a group-less consumer
     */
    public static AutoCloseable bind(Consumer<?, ?> consumer, String group) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer, Tags.of("group", group == null ? NO_GROUP : group));
        metrics.bindTo(REGISTRY);
        return metrics;
    }

    private static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }
}
