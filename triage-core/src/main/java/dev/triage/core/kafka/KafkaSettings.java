package dev.triage.core.kafka;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;

/**
 * Where Kafka is and how the pipeline's topics look; shared by every service's config.
 *
 * @param bootstrapServers  {@code KAFKA_BOOTSTRAP_SERVERS}, host:port list
 * @param topics            topic names
 * @param partitions        {@code TOPIC_PARTITIONS}, partitions of topics created at start
 * @param replicationFactor {@code TOPIC_REPLICATION_FACTOR}, replication of topics created at start
 */
public record KafkaSettings(String bootstrapServers, Topics topics, int partitions, short replicationFactor) {

    public KafkaSettings {
        Env.requireText("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        if (partitions < 1) {
            throw new ConfigException("TOPIC_PARTITIONS must be >= 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new ConfigException("TOPIC_REPLICATION_FACTOR must be >= 1, was " + replicationFactor);
        }
    }

    public static KafkaSettings fromEnv(Env env) {
        return new KafkaSettings(
                env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                Topics.fromEnv(env),
                env.integer("TOPIC_PARTITIONS", 3),
                (short) env.integer("TOPIC_REPLICATION_FACTOR", 1));
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, topics, partitions, replicationFactor);
    }

    public KafkaSettings withTopics(Topics newTopics) {
        return new KafkaSettings(bootstrapServers, newTopics, partitions, replicationFactor);
    }
}
