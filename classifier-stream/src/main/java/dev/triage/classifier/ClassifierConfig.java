package dev.triage.classifier;

import dev.triage.core.config.Env;
import dev.triage.core.kafka.KafkaSettings;

/**
 * Everything the classifier service reads at start.
 *
 * @param kafka   broker and topics
 * @param groupId {@code CLASSIFIER_GROUP_ID}, the consumer group shared by all classifier instances
 */
public record ClassifierConfig(KafkaSettings kafka, String groupId) {

    public ClassifierConfig {
        Env.requireText("CLASSIFIER_GROUP_ID", groupId);
    }

    public static ClassifierConfig fromEnv(Env env) {
        return new ClassifierConfig(KafkaSettings.fromEnv(env), env.string("CLASSIFIER_GROUP_ID", "triage-classifier"));
    }
}
