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
 * @param metricsPort {@code SINK_METRICS_PORT}: port of {@code GET /metrics} (Prometheus) and {@code /health};
 *                    0 = a free port, {@value #METRICS_OFF} = no metrics server
 */
public record SinkConfig(KafkaSettings kafka, MongoSettings mongo, String groupId, int batchSize, String writeConcernW,
                         int metricsPort) {

    /** The {@code metricsPort} that starts no metrics server. */
    public static final int METRICS_OFF = dev.triage.core.metrics.MetricsServer.OFF;

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
        if (metricsPort < METRICS_OFF || metricsPort > 65_535) {
            throw new ConfigException("SINK_METRICS_PORT must be -1 (off), 0 (a free port) or a port up to 65535, was "
                    + metricsPort);
        }
    }

    public static SinkConfig fromEnv(Env env) {
        return new SinkConfig(KafkaSettings.fromEnv(env), MongoSettings.fromEnv(env),
                env.string("SINK_GROUP_ID", "triage-sink"), env.integer("BATCH_SIZE", 100),
                env.string("MONGODB_WRITE_CONCERN", "majority"), env.integer("SINK_METRICS_PORT", 9102));
    }

    /** The write concern of every write of the sink; acknowledged, never fire-and-forget. */
    public WriteConcern writeConcern() {
        return "majority".equals(writeConcernW) ? WriteConcern.MAJORITY : new WriteConcern(Integer.parseInt(writeConcernW));
    }
}
