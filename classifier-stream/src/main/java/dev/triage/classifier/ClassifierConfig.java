package dev.triage.classifier;

import dev.triage.classifier.llm.LlmSettings;
import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import dev.triage.core.kafka.KafkaSettings;

import java.nio.file.Path;

/**
 * Everything the classifier service reads at start.
 *
 * @param kafka         broker and topics
 * @param groupId       {@code CLASSIFIER_GROUP_ID}, the consumer group shared by all classifier instances
 * @param maxConcurrent {@code MAX_CONCURRENT}, conversations in flight per instance, across all its partitions
 * @param llm           the model and the policy around it
 * @param stats         {@code STATS_ENABLED}: run the statistics stream in this process; its state in
 *                      {@code STATS_STATE_DIR}, or null when disabled
 * @param metricsPort   {@code CLASSIFIER_METRICS_PORT}: port of {@code GET /metrics} (Prometheus) and
 *                      {@code /health}; 0 = a free port, {@value #METRICS_OFF} = no metrics server
 */
public record ClassifierConfig(KafkaSettings kafka, String groupId, int maxConcurrent, LlmSettings llm, Path stats,
                               int metricsPort) {

    /** The {@code metricsPort} that starts no metrics server. */
    public static final int METRICS_OFF = dev.triage.core.metrics.MetricsServer.OFF;

    public ClassifierConfig {
        Env.requireText("CLASSIFIER_GROUP_ID", groupId);
        Env.requireAtLeast("MAX_CONCURRENT", maxConcurrent, 1);
        if (metricsPort < METRICS_OFF || metricsPort > 65_535) {
            throw new ConfigException("CLASSIFIER_METRICS_PORT must be -1 (off), 0 (a free port) or a port up to 65535,"
                    + " was " + metricsPort);
        }
    }

    /** A classifier without the statistics stream and without a metrics server. */
    public ClassifierConfig(KafkaSettings kafka, String groupId, int maxConcurrent, LlmSettings llm) {
        this(kafka, groupId, maxConcurrent, llm, null, METRICS_OFF);
    }

    public static ClassifierConfig fromEnv(Env env) {
        Path stateDir = Path.of(env.string("STATS_STATE_DIR", Path.of(System.getProperty("java.io.tmpdir"),
                "triage-streams").toString()));
        return new ClassifierConfig(KafkaSettings.fromEnv(env), env.string("CLASSIFIER_GROUP_ID", "triage-classifier"),
                env.integer("MAX_CONCURRENT", 16), LlmSettings.fromEnv(env),
                env.bool("STATS_ENABLED", true) ? stateDir : null, env.integer("CLASSIFIER_METRICS_PORT", 9101));
    }
}
