package dev.triage.classifier.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's partitions: each one's {@link OffsetTracker}, the offsets committed, and pausing.
 * Worker thread only (commit callbacks run inside the consumer's calls, on that thread).
 */
final class Partitions {

    private static final Logger LOG = LoggerFactory.getLogger(Partitions.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    Partitions(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Tracks a polled record; returns its partition's tracker. */
    OffsetTracker track(ConsumerRecord<byte[], byte[]> record) {
        OffsetTracker tracker = trackers.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                p -> new OffsetTracker());
        tracker.add(record.offset());
        return tracker;
    }

    /** Whether {@code task}'s partition is still this worker's, as it was when the task was polled. */
    boolean current(Task task) {
        return trackers.get(task.partition()) == task.tracker();
    }

    List<TopicPartition> all() {
        return List.copyOf(trackers.keySet());
    }

    /** Records started and not ended on {@code partitions}. */
    int inFlight(Collection<TopicPartition> partitions) {
        return partitions.stream().map(trackers::get).filter(t -> t != null).mapToInt(OffsetTracker::inFlight).sum();
    }

    /** Pauses every assigned partition while {@code full}, resumes them when not. */
    void pauseWhile(boolean full) {
        if (full) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    /** Commits, per partition, the offset below which every record is finished, if it moved. */
    void commit(Collection<TopicPartition> partitions, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetTracker tracker = trackers.get(p);
            long offset = tracker == null ? -1 : tracker.committable();
            if (offset >= 0 && offset != committed.getOrDefault(p, -1L)) {
                offsets.put(p, new OffsetAndMetadata(offset));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
            offsets.forEach((p, o) -> committed.put(p, o.offset()));
        } else {
            consumer.commitAsync(offsets, (done, error) -> {
                if (error == null) {
                    done.forEach((p, o) -> committed.put(p, o.offset()));
                } else {
                    LOG.warn("offset commit failed, will retry: {}", error.toString());
                }
            });
        }
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            trackers.remove(p);
            committed.remove(p);
        });
    }
}
