package dev.triage.sink;

import com.mongodb.WriteConcern;
import dev.triage.core.config.ConfigException;
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
 * @param writeConcernW {@code MONGODB_WRITE_CONCERN}: {@code majority} or a number of nodes >= 1
 */
public record SinkConfig(KafkaSettings kafka, MongoSettings mongo, String groupId, int batchSize, String writeConcernW) {

    public SinkConfig {
        Env.requireText("SINK_GROUP_ID", groupId);
        Env.requireAtLeast("BATCH_SIZE", batchSize, 1);
        if (!"majority".equals(writeConcernW)) {
            try {
                Env.requireAtLeast("MONGODB_WRITE_CONCERN", Integer.parseInt(writeConcernW), 1);
            } catch (NumberFormatException e) {
                throw new ConfigException("MONGODB_WRITE_CONCERN must be majority or a number >= 1, was '"
                        + writeConcernW + "'");
            }
        }
    }

    public static SinkConfig fromEnv(Env env) {
        return new SinkConfig(KafkaSettings.fromEnv(env), MongoSettings.fromEnv(env),
                env.string("SINK_GROUP_ID", "triage-sink"), env.integer("BATCH_SIZE", 100),
                env.string("MONGODB_WRITE_CONCERN", "majority"));
    }

    /** The write concern of every write of the sink; acknowledged, never fire-and-forget. */
    public WriteConcern writeConcern() {
        return "majority".equals(writeConcernW) ? WriteConcern.MAJORITY : new WriteConcern(Integer.parseInt(writeConcernW));
    }
}
