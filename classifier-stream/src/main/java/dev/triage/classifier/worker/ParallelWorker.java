package dev.triage.classifier.worker;

import dev.triage.core.lifecycle.Failures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consumer, up to {@code maxConcurrent} records being classified at once across all its
 * partitions, however few they are. Polled records wait in a queue; a record whose classification
 * ends starts the next one at once, from the thread that ended it, while its own outputs are still
 * being acknowledged (so Kafka's latency does not eat into the model's concurrency). While the queue holds a full round, the partitions are
 * paused (the consumer keeps polling, so it stays in the group). Per partition, only the offset
 * below which every record is finished is committed.
 *
 * <p>A record whose processing fails (never for its own fault: those end in the dead-letter topic)
 * goes back to the head of the queue and the {@link OutageGate} stops new starts for a while: an
 * outage pauses consumption instead of draining the backlog into the dead-letter topic.
 * Rebalance and shutdown wait (bounded) for the records in flight and commit.
 *
 * <p>Gauges, until closed: {@code triage.classifier.in.flight} (records started and not finished:
 * with the model, at most {@code maxConcurrent}, or waiting for their outputs' acknowledgement)
 * and {@code triage.classifier.queued} (polled, waiting to start).
 */
public final class ParallelWorker implements Runnable, AutoCloseable, ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(ParallelWorker.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration COMMIT_EVERY = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final RecordProcessor processor;
    private final String topic;
    private final int maxConcurrent;
    private final Duration drainTimeout;
    private final ScheduledExecutorService timer;
    private final OutageGate gate;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<ConsumerRecord<byte[], byte[]>> queue = new ConcurrentLinkedDeque<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Thread thread;
    private final MeterRegistry registry;
    private final List<Meter> gauges;
    private volatile boolean running = true;
    private long lastCommitNanos;

    public ParallelWorker(Consumer<byte[], byte[]> consumer, RecordProcessor processor, String topic,
                          int maxConcurrent, Duration drainTimeout, ScheduledExecutorService timer,
                          Duration outageFirstWait, Duration outageMaxWait, MeterRegistry registry) {
        this.consumer = consumer;
        this.processor = processor;
        this.topic = topic;
        this.maxConcurrent = maxConcurrent;
        this.drainTimeout = drainTimeout;
        this.timer = timer;
        this.gate = new OutageGate(outageFirstWait, outageMaxWait, System::nanoTime);
        this.permits = new Semaphore(maxConcurrent);
        this.thread = new Thread(this, "triage-classifier-worker");
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("classifier worker stopped", e));
        this.registry = registry;
        this.gauges = List.of(
                Gauge.builder("triage.classifier.in.flight", trackers, ParallelWorker::inFlight)
                        .description("Records started and not finished yet").register(registry),
                Gauge.builder("triage.classifier.queued", queue, ConcurrentLinkedDeque::size)
                        .description("Records polled and waiting to start").register(registry));
    }

    public ParallelWorker start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(topic), this);
        try {
            while (running) {
                pauseOrResume();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    trackers.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                            p -> new OffsetTracker()).add(record.offset());
                    queue.addLast(record);
                }
                startMore();
                if (System.nanoTime() - lastCommitNanos > COMMIT_EVERY.toNanos()) {
                    commit(trackers.keySet(), false);
                }
            }
            drain(trackers.keySet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
        }
    }

    /** Starts queued records while permits are free and the gate is open; safe from any thread. */
    private void startMore() {
        while (running && !gate.isClosed() && permits.tryAcquire()) {
            ConsumerRecord<byte[], byte[]> record = queue.pollFirst();
            if (record == null) {
                permits.release();
                return;
            }
            OffsetTracker tracker = trackers.get(new TopicPartition(record.topic(), record.partition()));
            if (tracker == null) { // partition revoked while the record waited
                permits.release();
                continue;
            }
            tracker.started();
            AtomicBoolean permitHeld = new AtomicBoolean(true);
            Runnable releasePermit = () -> {
                if (permitHeld.getAndSet(false)) {
                    permits.release();
                    startMore();
                }
            };
            processor.process(record, releasePermit).whenComplete((done, error) -> {
                finished(record, tracker, error);
                releasePermit.run();
            });
        }
    }

    /** A record's outputs are acknowledged (or it failed and goes back to the queue). */
    private void finished(ConsumerRecord<byte[], byte[]> record, OffsetTracker tracker, Throwable error) {
        if (error == null) {
            gate.succeeded();
        } else if (trackers.get(new TopicPartition(record.topic(), record.partition())) == tracker) {
            queue.addFirst(record);
            Duration wait = gate.failed(Failures.cause(error));
            timer.schedule(this::startMore, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        tracker.ended(record.offset(), error == null);
    }

    private void pauseOrResume() {
        if (queue.size() >= maxConcurrent) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void commit(Collection<TopicPartition> partitions, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetTracker tracker = trackers.get(p);
            long offset = tracker == null ? -1 : tracker.committable();
            if (offset >= 0 && offset != committed.getOrDefault(p, -1L)) {
                offsets.put(p, new OffsetAndMetadata(offset));
            }
        }
        lastCommitNanos = System.nanoTime();
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

    /** Waits for the records in flight on {@code partitions}, commits them, forgets the partitions. */
    private void drain(Collection<TopicPartition> partitions) throws InterruptedException {
        List<TopicPartition> leaving = List.copyOf(partitions);
        queue.removeIf(r -> leaving.contains(new TopicPartition(r.topic(), r.partition())));
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (TopicPartition p : leaving) {
            OffsetTracker tracker = trackers.get(p);
            long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            if (tracker != null && !tracker.awaitNoneStarted(left)) {
                LOG.warn("{}: records still in flight after {} ms; they will be processed again", p,
                        drainTimeout.toMillis());
            }
        }
        commit(leaving, true);
        leaving.forEach(p -> {
            trackers.remove(p);
            committed.remove(p);
        });
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        try {
            drain(partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        LOG.info("classifier assigned {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        queue.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
        partitions.forEach(p -> {
            trackers.remove(p);
            committed.remove(p);
        });
    }

    private static double inFlight(Map<TopicPartition, OffsetTracker> trackers) {
        return trackers.values().stream().mapToInt(OffsetTracker::inFlight).sum();
    }

    /** Stops polling, waits (bounded) for the records in flight, commits, closes the consumer; drops the gauges. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        try {
            thread.join(drainTimeout.toMillis() + 5_000);
        } finally {
            gauges.forEach(registry::remove);
        }
    }
}
