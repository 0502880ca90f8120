package dev.triage.core.kafka;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;

import java.time.Duration;

/**
 * Where Kafka is and how the pipeline's topics look; shared by every service's config.
 *
 * @param bootstrapServers  {@code KAFKA_BOOTSTRAP_SERVERS}, host:port list
 * @param topics            topic names
 * @param partitions        {@code TOPIC_PARTITIONS}, partitions of topics created at start
 * @param replicationFactor {@code TOPIC_REPLICATION_FACTOR}, replication of topics created at start
 * @param sessionTimeout    {@code KAFKA_SESSION_TIMEOUT}, how soon the group gives the partitions of a
 *                          consumer that died (without leaving) to the others
 * @param groupInstanceId   {@code KAFKA_GROUP_INSTANCE_ID}, or null: a stable name for this process in the
 *                          classifier's and the sink's consumer groups (static membership). A process restarted
 *                          with the same name gets its partitions back at once, without waiting for its old
 *                          session to expire; it does not leave the group when it stops. Each instance of a
 *                          service needs its own. Null: a new member each start, which leaves the group on stop
 */
public record KafkaSettings(String bootstrapServers, Topics topics, int partitions, short replicationFactor,
                            Duration sessionTimeout, String groupInstanceId) {

    /** Settings with Kafka's default session timeout (45 s) and dynamic group membership. */
    public KafkaSettings(String bootstrapServers, Topics topics, int partitions, short replicationFactor) {
        this(bootstrapServers, topics, partitions, replicationFactor, Duration.ofSeconds(45), null);
    }

    public KafkaSettings {
        Env.requireText("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        if (partitions < 1) {
            throw new ConfigException("TOPIC_PARTITIONS must be >= 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new ConfigException("TOPIC_REPLICATION_FACTOR must be >= 1, was " + replicationFactor);
        }
        Env.requirePositive("KAFKA_SESSION_TIMEOUT", sessionTimeout);
        if (groupInstanceId != null && groupInstanceId.isBlank()) {
            groupInstanceId = null;
        }
    }

    public static KafkaSettings fromEnv(Env env) {
        return new KafkaSettings(
                env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                Topics.fromEnv(env),
                env.integer("TOPIC_PARTITIONS", 3),
                (short) env.integer("TOPIC_REPLICATION_FACTOR", 1),
                env.duration("KAFKA_SESSION_TIMEOUT", Duration.ofSeconds(45)),
                env.string("KAFKA_GROUP_INSTANCE_ID", null));
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, topics, partitions, replicationFactor, sessionTimeout, groupInstanceId);
    }

    public KafkaSettings withTopics(Topics newTopics) {
        return new KafkaSettings(bootstrapServers, newTopics, partitions, replicationFactor, sessionTimeout,
                groupInstanceId);
    }

    /** The same settings, this process named {@code id} in its consumer groups (null: dynamic membership). */
    public KafkaSettings withGroupInstanceId(String id) {
        return new KafkaSettings(bootstrapServers, topics, partitions, replicationFactor, sessionTimeout, id);
    }
}
