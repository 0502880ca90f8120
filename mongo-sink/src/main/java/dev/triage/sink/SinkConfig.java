package dev.triage.sink;

import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.kafka.KafkaSettings;

/**
 * Everything the sink service reads at start.
 *
 * @param kafka     broker and topics
 * @param mongo     where results and queries live
 * @param groupId   {@code SINK_GROUP_ID}, the consumer group shared by all sink instances
 * @param batchSize {@code BATCH_SIZE}, results written per MongoDB round trip at most
 */
public record SinkConfig(KafkaSettings kafka, MongoSettings mongo, String groupId, int batchSize) {

    public SinkConfig {
        Env.requireText("SINK_GROUP_ID", groupId);
        Env.requireAtLeast("BATCH_SIZE", batchSize, 1);
    }

    public static SinkConfig fromEnv(Env env) {
        return new SinkConfig(KafkaSettings.fromEnv(env), MongoSettings.fromEnv(env),
                env.string("SINK_GROUP_ID", "triage-sink"), env.integer("BATCH_SIZE", 100));
    }
}
