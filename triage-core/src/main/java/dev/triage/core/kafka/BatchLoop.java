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
import java.util.function.LongSupplier;

/**
 * A consumer loop with at-least-once delivery: each polled batch goes to the handler, and its
 * offsets are committed only when the handler returned normally (its output is safe). When the
 * handler throws, the failure is taken as transient (a broker or database away): the batch is
 * rewound, the partitions are paused (the loop keeps polling, so the consumer stays in its group
 * however long the outage lasts) and the batch is offered again after a wait that doubles from
 * {@code retryPause} up to {@link #MAX_RETRY_PAUSE}. Nothing is skipped. Handlers deal with
 * record-caused failures themselves (dead letter) and throw only for outages.
 *
 * <p>An exception that escapes the loop itself (from {@code poll}, a rebalance, or an {@link Error})
 * ends it: {@link #problem()} then says why, so the service can report itself down and be restarted.
 */
public final class BatchLoop implements Runnable, AutoCloseable {

    /** Handles one batch; returns when its output is acknowledged, throws when it could not be. */
    @FunctionalInterface
    public interface BatchHandler {
        void handle(ConsumerRecords<byte[], byte[]> batch) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchLoop.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(30);

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final BatchHandler handler;
    private final Duration retryPause;
    private final LongSupplier nanoTime;
    private final Runnable onExit;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean stopRequested;
    private volatile String problem;
    private boolean failing;
    private long currentPauseMillis;
    private long retryAtNanos;

    public BatchLoop(String name, Consumer<byte[], byte[]> consumer, List<String> topics, BatchHandler handler,
                     Duration retryPause, LongSupplier nanoTime, Runnable onExit) {
        this.name = name;
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.retryPause = retryPause;
        this.nanoTime = nanoTime;
        this.onExit = onExit;
        this.thread = new Thread(this, name);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("{}: loop died; its service reports itself down", name, e));
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
                if (failing && !consumer.paused().isEmpty() && nanoTime.getAsLong() >= retryAtNanos) {
                    consumer.resume(consumer.paused());
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    processOrRewind(batch);
                }
            }
            if (!stopRequested) {
                problem = "interrupted";
            }
        } catch (RuntimeException | Error e) {
            // set before the consumer closes, so that whoever sees the loop gone also sees why
            problem = e.toString();
            throw e;
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
        stopRequested = true;
        running = false;
    }

    /**
     * Null while the loop runs, has not started, or ended because it was asked to ({@link #stop()},
     * {@link #close()}); else why it ended: the exception that escaped it (class and message).
     */
    public String problem() {
        return problem;
    }

    /** Stops the loop started with {@link #start()} and waits for it to finish its batch. */
    @Override
    public void close() throws InterruptedException {
        stop();
        thread.join(STOP_TIMEOUT.toMillis());
    }

    private void processOrRewind(ConsumerRecords<byte[], byte[]> batch) {
        try {
            handler.handle(batch);
            consumer.commitSync(nextOffsets(batch));
            if (failing) {
                LOG.info("{}: recovered, batches flow again", name);
                failing = false;
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                running = false;
            }
            if (!failing) {
                LOG.warn("{}: batch of {} records not finished, pausing and retrying until it is: {}",
                        name, batch.count(), e.toString());
                failing = true;
                currentPauseMillis = retryPause.toMillis();
            } else {
                currentPauseMillis = Math.min(currentPauseMillis * 2, MAX_RETRY_PAUSE.toMillis());
            }
            rewind(batch);
            consumer.pause(consumer.assignment());
            retryAtNanos = nanoTime.getAsLong() + currentPauseMillis * 1_000_000;
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
