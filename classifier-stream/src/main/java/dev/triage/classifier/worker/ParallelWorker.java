package dev.triage.classifier.worker;

import dev.triage.classifier.FailureKind;
import dev.triage.core.lifecycle.Failures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One consumer, up to {@code maxInProgress} records in progress at once across all its partitions,
 * however few they are. One thread, the worker's, owns every piece of state: it polls, starts
 * records, and handles their endings, which the threads that complete them hand over through a
 * queue. While a full round waits to start, the partitions are paused (the consumer keeps polling,
 * so it stays in the group). Per partition, only the offset below which every record is finished
 * is committed ({@link OffsetTracker}).
 *
 * <p>A record that fails goes back by the failure's {@link FailureKind}: backpressure, tried again
 * at once (the model client slows down), uncounted unless the server answered others meanwhile
 * (a request too large for a per-minute token budget is answered 429 every time); an outage, tried again first once the {@link OutageGate}
 * reopens; calls that failed while the server answers others, tried again later (the wait doubles
 * from {@code retryFirstWait}), and after {@code recordMaxAttempts} such tries given up as a dead
 * letter, so its partition's commits move on. Whether the server answers others is seen from other
 * records the model server answered during the try (records rejected before any call say nothing); when none did (the record is alone, or everything fails),
 * the model server is probed with a harmless conversation: answered, the try counts; not, it is an
 * outage. One probe at a time; records failing meanwhile wait for its verdict. Rebalance and shutdown wait (bounded) for the records
 * in progress and commit; those still running are handed back, uncommitted.
 *
 * <p>{@link #problem()} says when the worker's thread died. Gauges, until closed:
 * {@code triage.classifier.in.flight} (records in progress) and {@code triage.classifier.queued}
 * (polled, waiting to start or to be tried again).
 */
public final class ParallelWorker implements Runnable, AutoCloseable, ConsumerRebalanceListener {

    /**
     * @param topic             the conversations topic
     * @param maxInProgress     records in progress at once (with the model, waiting for it, or for Kafka's acks)
     * @param recordMaxAttempts tries of a record whose calls fail while others succeed
     * @param drainTimeout      longest wait for records in progress at a rebalance or shutdown
     * @param retryFirstWait    first wait of the outage gate and of a record tried again (doubles)
     * @param retryMaxWait      longest such wait
     */
    public record Settings(String topic, int maxInProgress, int recordMaxAttempts, Duration drainTimeout,
                           Duration retryFirstWait, Duration retryMaxWait) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ParallelWorker.class);
    private static final Duration POLL = Duration.ofMillis(10);
    private static final Duration COMMIT_EVERY = Duration.ofMillis(200);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** What other threads hand the worker's thread. */
    private sealed interface Event permits Ended, Probed {
    }

    /** A record's processing (or its dead letter, when given up) ended; {@code modelAnswered}: see {@link RecordProcessor#process}. */
    private record Ended(Task task, Boolean modelAnswered, Throwable error) implements Event {
    }

    /** The model server's probe ended: answered when {@code error} is null. */
    private record Probed(Throwable error) implements Event {
    }

    /** A record whose try failed with {@code cause} while no other record succeeded. */
    private record Suspect(Task task, Throwable cause) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final RecordProcessor processor;
    private final Settings settings;
    private final OutageGate gate;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Suspect> suspects = new ArrayList<>();
    private final ArrayDeque<Task> ready = new ArrayDeque<>();
    private final Retries later;
    private final Partitions partitions;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Thread thread;
    private final MeterRegistry registry;
    private final List<Meter> gauges;
    private volatile boolean running = true;
    private volatile Throwable death;
    private volatile int inProgress;
    private volatile int queued;
    private volatile int assignedCount;
    private long successes;
    private boolean probing;
    private long lastCommitNanos;

    public ParallelWorker(Consumer<byte[], byte[]> consumer, RecordProcessor processor, Settings settings,
                          MeterRegistry registry) {
        this.consumer = consumer;
        this.processor = processor;
        this.settings = settings;
        this.gate = new OutageGate(settings.retryFirstWait(), settings.retryMaxWait(), System::nanoTime);
        this.later = new Retries(settings.retryFirstWait(), settings.retryMaxWait(), System::nanoTime);
        this.partitions = new Partitions(consumer);
        this.thread = new Thread(this, "triage-classifier-worker");
        this.registry = registry;
        this.gauges = List.of(
                Gauge.builder("triage.classifier.in.flight", () -> inProgress)
                        .description("Records in progress (with the model or waiting for it)").register(registry),
                Gauge.builder("triage.classifier.queued", () -> queued)
                        .description("Records polled and waiting to start or to be tried again").register(registry));
    }

    public ParallelWorker start() {
        thread.start();
        return this;
    }

    /** Null while the worker runs (or was closed), else why it stopped. */
    public String problem() {
        Throwable cause = death;
        if (cause != null) {
            return "classifier worker stopped: " + cause;
        }
        return running && !thread.isAlive() ? "classifier worker is not running" : null;
    }

    /** Partitions of the conversations topic this worker holds now. */
    public int assignedPartitions() {
        return assignedCount;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(settings.topic()), this);
            while (running) {
                boolean full = waiting() >= settings.maxInProgress();
                handleEvents(full ? POLL : Duration.ZERO);
                startMore();
                partitions.pauseWhile(waiting() >= settings.maxInProgress());
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(full ? Duration.ZERO : POLL)) {
                    ready.addLast(new Task(record, partitions.track(record)));
                }
                startMore();
                if (System.nanoTime() - lastCommitNanos > COMMIT_EVERY.toNanos()) {
                    lastCommitNanos = System.nanoTime();
                    partitions.commit(partitions.all(), false);
                }
            }
            drain(partitions.all());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            death = e;
            LOG.error("classifier worker stopped", e);
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
    }

    private void handleEvents(Duration wait) throws InterruptedException {
        Event first = wait.isZero() ? events.poll() : events.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        for (Event e = first; e != null; e = events.poll()) {
            handle(e);
        }
    }

    private void handle(Event event) {
        if (event instanceof Ended e) {
            ended(e);
        } else if (event instanceof Probed p) {
            probed(p.error());
        }
    }

    /** Records polled and not in progress: ready, waiting to be tried again, or for the probe's verdict. */
    private int waiting() {
        return ready.size() + later.size() + suspects.size();
    }

    private void startMore() {
        later.moveDueTo(ready);
        while (inProgress < settings.maxInProgress() && !gate.isClosed() && !ready.isEmpty()) {
            Task task = ready.pollFirst();
            if (partitions.current(task)) {
                task.startedWith(successes);
                track(task, processor.process(task.record()));
            }
        }
        queued = waiting();
    }

    private void track(Task task, CompletableFuture<Boolean> done) {
        task.tracker().started();
        inProgress++;
        done.whenComplete((modelAnswered, error) -> events.add(new Ended(task, modelAnswered, error)));
    }

    private void ended(Ended e) {
        Task task = e.task();
        inProgress--;
        task.tracker().ended(task.record().offset(), e.error() == null);
        if (e.error() == null) {
            if (e.modelAnswered()) {
                successes++;
                gate.succeeded();
            }
            return;
        }
        if (!partitions.current(task)) {
            return; // its partition went to another consumer, which will process it
        }
        Throwable cause = Failures.cause(e.error());
        FailureKind kind = FailureKind.of(cause);
        if (kind == FailureKind.BACKPRESSURE && !task.othersSucceeded(successes)) {
            ready.addFirst(task); // the server's budget is spent for everyone: wait, uncounted
        } else if (kind != FailureKind.OUTAGE && task.othersSucceeded(successes)) {
            // only this record's calls kept failing (or meeting 429, as a request too large for a
            // per-minute token budget does) while the server answered others
            triedAndFailed(task, cause);
        } else if (kind == FailureKind.CALLS_FAILED) {
            suspects.add(new Suspect(task, cause));
            if (!probing) {
                probing = true;
                processor.probe().whenComplete((ok, error) -> events.add(new Probed(error)));
            }
        } else {
            outage(task, cause);
        }
    }

    private void outage(Task task, Throwable cause) {
        ready.addFirst(task);
        gate.failed(cause);
        processor.replyUnavailable(task.record());
    }

    /** The probe's verdict on the records that failed alone: the server answers, so the fault is theirs. */
    private void probed(Throwable error) {
        probing = false;
        List<Suspect> decided = List.copyOf(suspects);
        suspects.clear();
        for (Suspect s : decided) {
            if (!partitions.current(s.task())) {
                continue;
            }
            if (error == null) {
                triedAndFailed(s.task(), s.cause());
            } else {
                outage(s.task(), Failures.cause(error));
            }
        }
    }

    private void triedAndFailed(Task task, Throwable cause) {
        int tries = task.failedTry();
        if (tries >= settings.recordMaxAttempts()) {
            track(task, processor.giveUp(task.record(), cause, tries));
        } else {
            Duration wait = later.add(task, tries);
            LOG.info("{}: model calls failed ({} of {} tries) while others succeed; trying again in {} ms: {}",
                    task, tries, settings.recordMaxAttempts(), wait.toMillis(), cause.getMessage());
        }
    }

    /** Waits (bounded) for the records in progress on {@code leaving}, commits them, forgets the partitions. */
    private void drain(Collection<TopicPartition> leaving) throws InterruptedException {
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        while (partitions.inFlight(leaving) > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.warn("{}: {} records still in progress after {} ms; they will be processed again", leaving,
                        partitions.inFlight(leaving), settings.drainTimeout().toMillis());
                break;
            }
            Event e = events.poll(left, TimeUnit.NANOSECONDS);
            if (e != null) {
                handle(e);
            }
        }
        forgetWaiting(leaving);
        try {
            partitions.commit(leaving, true);
        } catch (KafkaException e) {
            LOG.warn("{}: cannot commit while giving the partitions up; their unfinished records will be processed"
                    + " again: {}", leaving, e.toString());
        }
        partitions.forget(leaving);
    }

    private void forgetWaiting(Collection<TopicPartition> leaving) {
        ready.removeIf(t -> leaving.contains(t.partition()));
        later.removeIf(t -> leaving.contains(t.partition()));
        suspects.removeIf(s -> leaving.contains(s.task().partition()));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        try {
            drain(List.copyOf(revoked));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assigned.removeAll(revoked);
        assignedCount = assigned.size();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> added) {
        assigned.addAll(added);
        assignedCount = assigned.size();
        LOG.info("classifier assigned {}", added);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        forgetWaiting(lost);
        partitions.forget(lost);
        assigned.removeAll(lost);
        assignedCount = assigned.size();
    }

    /** Stops polling, waits (bounded) for the records in progress, commits, closes the consumer; drops the gauges. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        try {
            // a rebalance's drain may be under way when the stop's own drain starts
            thread.join(settings.drainTimeout().multipliedBy(2).plus(CLOSE_TIMEOUT).plusSeconds(1).toMillis());
        } finally {
            gauges.forEach(registry::remove);
        }
    }
}
