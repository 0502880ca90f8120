package dev.triage.classifier;

import dev.triage.classifier.llm.LlmSettings;
import dev.triage.core.config.Env;
import dev.triage.core.kafka.KafkaSettings;

/**
 * Everything the classifier service reads at start.
 *
 * @param kafka         broker and topics
 * @param groupId       {@code CLASSIFIER_GROUP_ID}, the consumer group shared by all classifier instances
 * @param maxConcurrent {@code MAX_CONCURRENT}, conversations in flight per instance, across all its partitions
 * @param llm           the model and the policy around it
 */
public record ClassifierConfig(KafkaSettings kafka, String groupId, int maxConcurrent, LlmSettings llm) {

    public ClassifierConfig {
        Env.requireText("CLASSIFIER_GROUP_ID", groupId);
        Env.requireAtLeast("MAX_CONCURRENT", maxConcurrent, 1);
    }

    public static ClassifierConfig fromEnv(Env env) {
        return new ClassifierConfig(KafkaSettings.fromEnv(env), env.string("CLASSIFIER_GROUP_ID", "triage-classifier"),
                env.integer("MAX_CONCURRENT", 16), LlmSettings.fromEnv(env));
    }
}
