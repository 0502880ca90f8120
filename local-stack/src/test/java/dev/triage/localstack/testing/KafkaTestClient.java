package dev.triage.localstack.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Produces and reads raw records in integration tests, without a consumer group. */
public final class KafkaTestClient implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaTestClient(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends and waits for the acknowledgement. */
    public void send(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@code topic} from the beginning until it holds at least {@code count} records. */
    public List<ConsumerRecord<byte[], byte[]>> readAtLeast(String topic, int count, Duration timeout) {
        return readUntil(topic, records -> records.size() >= count, "at least " + count + " records", timeout);
    }

    /**
     * Reads {@code topic} from the beginning until it holds records with at least {@code count}
     * distinct keys: at-least-once delivery may have written some twice.
     */
    public List<ConsumerRecord<byte[], byte[]>> readDistinctKeys(String topic, int count, Duration timeout) {
        return readUntil(topic, records -> records.stream().map(r -> ByteBuffer.wrap(r.key())).distinct().count() >= count,
                count + " distinct keys", timeout);
    }

    private List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                           String what, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(topic)) {
            await().atMost(timeout).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return done.test(records);
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("read " + records.size() + " records from " + topic + " within " + timeout
                    + ", not " + what, e);
        }
        return records;
    }

    /** Everything in {@code topic} right now (up to its end offsets). */
    public List<ConsumerRecord<byte[], byte[]>> readAvailable(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(50)).forEach(records::add);
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        return records;
    }

    private KafkaConsumer<byte[], byte[]> fromBeginning(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // a topic created a moment ago may not be in the metadata yet: partitionsFor answers empty
        List<TopicPartition> partitions = await("partitions of " + topic).atMost(Duration.ofSeconds(30))
                .until(() -> consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList(),
                        list -> !list.isEmpty());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** The offsets {@code group} committed on {@code topic}, summed over its partitions (what it consumed). */
    public long committedTotal(String group, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A consumer of {@code group} with the static {@code instanceId}, subscribed to {@code topic} and
     * polled until it holds partitions: a member that fences any other process using the same id.
     */
    public KafkaConsumer<byte[], byte[]> staticMember(String group, String instanceId, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        return consumer;
    }

    @Override
    public void close() {
        producer.close();
    }
}
