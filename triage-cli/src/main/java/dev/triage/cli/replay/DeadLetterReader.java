package dev.triage.cli.replay;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the dead-letter topic from the consumer group's committed positions up to the end offsets
 * it had when the reader was made, one poll at a time: what is written meanwhile waits for the
 * next run, and no more than one poll's records is held at once. It can read the same range
 * again ({@link #rewind()}), which is how the summary is counted before anything is replayed.
 */
final class DeadLetterReader {

    /** Handles one poll's records; returns false to stop reading. */
    interface ChunkHandler {
        boolean handle(List<ConsumerRecord<byte[], byte[]>> chunk) throws Exception;
    }

    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> start = new HashMap<>();
    private final Map<TopicPartition, Long> end;
    private final Duration stallTimeout;

    /**
     * Assigns every partition of {@code topic} to {@code consumer} (positions come from its group's
     * commits, or the beginning) and fixes the end offsets; a poll that brings nothing for
     * {@code stallTimeout} while records remain ends the read with an error.
     */
    DeadLetterReader(Consumer<byte[], byte[]> consumer, String topic, Duration stallTimeout) {
        this.consumer = consumer;
        this.stallTimeout = stallTimeout;
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        this.end = Map.copyOf(consumer.endOffsets(partitions));
        partitions.forEach(p -> start.put(p, consumer.position(p)));
    }

    /** Goes back to where the reader started. */
    void rewind() {
        start.forEach(consumer::seek);
    }

    /** Hands every record up to the end offsets to {@code handler}, one poll at a time, in offset order per partition. */
    void forEachChunk(ChunkHandler handler) throws Exception {
        long lastProgress = System.nanoTime();
        while (!atEnd()) {
            List<ConsumerRecord<byte[], byte[]>> chunk = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    chunk.add(r);
                }
            }
            if (!chunk.isEmpty()) {
                lastProgress = System.nanoTime();
                if (!handler.handle(chunk)) {
                    return;
                }
            } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                throw new IllegalStateException("no dead letters could be read for " + stallTimeout.toSeconds()
                        + " s although " + remaining() + " remain before the end offsets " + end + "; is Kafka reachable?");
            }
        }
    }

    private boolean atEnd() {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private long remaining() {
        return end.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - consumer.position(e.getKey()))).sum();
    }
}
