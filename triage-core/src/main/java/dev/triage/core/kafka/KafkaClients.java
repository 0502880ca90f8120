package dev.triage.core.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's Kafka client settings in one place. Producers are idempotent with
 * {@code acks=all}; consumers never auto-commit (each stage commits after its output is safe).
 * Keys and values are raw bytes: decoding is the stage's job, so a bad record can be dead-lettered.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** A producer with Kafka's patience: {@code send} may block 60 s, a record may take 2 min to be acknowledged. */
    public static KafkaProducer<byte[], byte[]> producer(KafkaSettings kafka, String clientId) {
        return new KafkaProducer<>(producerProps(kafka, clientId), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A producer for a caller answering an HTTP request, which must fail fast rather than hold its
     * client while Kafka is away: {@code send} blocks at most {@code maxBlock} for metadata or
     * buffer space, and a record not acknowledged within {@code deliveryTimeout} fails (each request
     * to the broker may take half of it). A record that failed this way may still have been
     * written: the broker can go away after writing it, before answering.
     */
    public static KafkaProducer<byte[], byte[]> producer(KafkaSettings kafka, String clientId, Duration maxBlock,
                                                         Duration deliveryTimeout) {
        Map<String, Object> props = producerProps(kafka, clientId);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) maxBlock.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis() / 2);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Map<String, Object> producerProps(KafkaSettings kafka, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return props;
    }

    /**
     * A consumer of group {@code groupId}, a static member when {@link KafkaSettings#groupInstanceId()}
     * is set, or a group-less one (for {@code assign}) when {@code groupId} is null.
     */
    public static KafkaConsumer<byte[], byte[]> consumer(KafkaSettings kafka, String groupId, String clientId,
                                                         int maxPollRecords) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            if (kafka.groupInstanceId() != null) {
                props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, kafka.groupInstanceId());
            }
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) kafka.sessionTimeout().toMillis());
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Assigns every partition of {@code topics} to a group-less consumer at their current end and
     * returns once the positions are known, so every record written from now on will be read.
     * A topic created a moment ago may be missing from the metadata for a while: it is asked for
     * again until {@code timeout}.
     *
     * @throws IllegalStateException if a topic does not exist
     */
    public static List<TopicPartition> assignAtEnd(Consumer<byte[], byte[]> consumer, List<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            while ((infos == null || infos.isEmpty()) && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(100));
                infos = consumer.partitionsFor(topic, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, timeout));
        return partitions;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topic metadata", e);
        }
    }
}
