package dev.triage.classifier.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** A record on its way through the {@link ParallelWorker}, with its tries. Worker thread only. */
final class Task {

    private final ConsumerRecord<byte[], byte[]> record;
    private final TopicPartition partition;
    private final OffsetTracker tracker;
    private int failedTries;
    private long successesAtStart;

    Task(ConsumerRecord<byte[], byte[]> record, OffsetTracker tracker) {
        this.record = record;
        this.partition = new TopicPartition(record.topic(), record.partition());
        this.tracker = tracker;
    }

    ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    TopicPartition partition() {
        return partition;
    }

    /** The tracker of the partition as it was when the record was polled. */
    OffsetTracker tracker() {
        return tracker;
    }

    /** Starts a try, when the worker had seen {@code successes} records succeed. */
    void startedWith(long successes) {
        successesAtStart = successes;
    }

    /** Whether other records succeeded since this try started. */
    boolean othersSucceeded(long successes) {
        return successes > successesAtStart;
    }

    /** Counts a failed try; returns how many there were. */
    int failedTry() {
        return ++failedTries;
    }

    @Override
    public String toString() {
        return partition + "@" + record.offset();
    }
}
