package dev.triage.classifier;

import dev.triage.classifier.llm.LlmSettings;
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
 */
public record ClassifierConfig(KafkaSettings kafka, String groupId, int maxConcurrent, LlmSettings llm, Path stats) {

    public ClassifierConfig {
        Env.requireText("CLASSIFIER_GROUP_ID", groupId);
        Env.requireAtLeast("MAX_CONCURRENT", maxConcurrent, 1);
    }

    /** A classifier without the statistics stream. */
    public ClassifierConfig(KafkaSettings kafka, String groupId, int maxConcurrent, LlmSettings llm) {
        this(kafka, groupId, maxConcurrent, llm, null);
    }

    public static ClassifierConfig fromEnv(Env env) {
        Path stateDir = Path.of(env.string("STATS_STATE_DIR", Path.of(System.getProperty("java.io.tmpdir"),
                "triage-streams").toString()));
        return new ClassifierConfig(KafkaSettings.fromEnv(env), env.string("CLASSIFIER_GROUP_ID", "triage-classifier"),
                env.integer("MAX_CONCURRENT", 16), LlmSettings.fromEnv(env), env.bool("STATS_ENABLED", true) ? stateDir : null);
    }
}
