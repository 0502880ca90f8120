package dev.triage.core.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A consumer loop with at-least-once delivery: each polled batch goes to the handler, and its
 * offsets are committed only when the handler returned normally (its output is safe). When the
 * handler throws, the failure is taken as transient (a broker or database away): the batch is
 * rewound and offered again after a pause, so nothing is skipped. Handlers deal with
 * record-caused failures themselves (dead letter) and throw only for outages.
 */
public final class BatchLoop implements Runnable, AutoCloseable {

    /** Handles one batch; returns when its output is acknowledged, throws when it could not be. */
    @FunctionalInterface
    public interface BatchHandler {
        void handle(ConsumerRecords<byte[], byte[]> batch) throws Exception;
    }

    /** How the loop waits before offering a failed batch again (injected so tests need not sleep). */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchLoop.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final BatchHandler handler;
    private final Duration retryPause;
    private final Pause pause;
    private final Runnable onExit;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean failing;

    public BatchLoop(String name, Consumer<byte[], byte[]> consumer, List<String> topics, BatchHandler handler,
                     Duration retryPause, Pause pause, Runnable onExit) {
        this.name = name;
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.retryPause = retryPause;
        this.pause = pause;
        this.onExit = onExit;
        this.thread = new Thread(this, name);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("{}: loop stopped", name, e));
    }

    /** Runs the loop on its own thread (named after the loop); {@link #close()} stops it. */
    public BatchLoop start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics);
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    processOrRewind(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                consumer.close();
            } finally {
                onExit.run();
            }
        }
    }

    /**
     * Asks the loop to stop after the batch in hand is committed; it returns within one poll
     * interval (no wake-up, which would abort the commit of that batch).
     */
    public void stop() {
        running = false;
    }

    /** Stops the loop started with {@link #start()} and waits for it to finish its batch. */
    @Override
    public void close() throws InterruptedException {
        stop();
        thread.join(STOP_TIMEOUT.toMillis());
    }

    private void processOrRewind(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
        try {
            handler.handle(batch);
            consumer.commitSync(nextOffsets(batch));
            if (failing) {
                LOG.info("{}: recovered, batches flow again", name);
                failing = false;
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (!failing) {
                LOG.warn("{}: batch of {} records not finished, retrying every {} ms until it is: {}",
                        name, batch.count(), retryPause.toMillis(), e.toString());
                failing = true;
            }
            rewind(batch);
            pause.pause(retryPause);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(partition);
            offsets.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private void rewind(ConsumerRecords<byte[], byte[]> batch) {
        for (TopicPartition partition : batch.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, batch.records(partition).get(0).offset());
            }
        }
    }
}
