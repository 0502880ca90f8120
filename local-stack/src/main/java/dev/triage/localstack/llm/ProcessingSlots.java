package dev.triage.localstack.llm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * The model server's processing slots: at most {@code capacity} requests are processed at once and
 * the others wait in arrival order, as on Ollama ({@code OLLAMA_NUM_PARALLEL}) or vLLM
 * ({@code --max-num-seqs}). A request holds its slot from the moment its start action runs until
 * {@link #release()}; no thread waits meanwhile. Capacity 0 means unlimited (every request starts
 * at once, still counted). Thread-safe.
 *
 * <p>The capacity is read again at every acquire and release, so a running simulator can be
 * reconfigured; a raised capacity starts waiting requests at the next of those events.
 */
final class ProcessingSlots {

    private final IntSupplier capacity;
    private final Executor queuedStarts;
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private int busy;
    private int peak;

    /**
     * {@code queuedStarts} runs the start of a request that had to wait: it is handed over rather
     * than run by the releasing thread, so that a chain of zero-latency answers cannot recurse.
     */
    ProcessingSlots(IntSupplier capacity, Executor queuedStarts) {
        this.capacity = capacity;
        this.queuedStarts = queuedStarts;
    }

    /** Runs {@code start} now, on this thread, if a slot is free and nobody waits; otherwise queues it. */
    void acquire(Runnable start) {
        List<Runnable> ready;
        synchronized (this) {
            waiting.addLast(start);
            ready = startable();
        }
        for (Runnable r : ready) {
            if (r == start) {
                r.run();
            } else {
                queuedStarts.execute(r);
            }
        }
    }

    /** Frees the slot of a request whose answer was sent (or lost); the longest waiting request takes it. */
    void release() {
        List<Runnable> ready;
        synchronized (this) {
            busy--;
            ready = startable();
        }
        ready.forEach(queuedStarts::execute);
    }

    synchronized int processing() {
        return busy;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    /** The most requests processed at once since creation or the last {@link #resetPeak()}. */
    synchronized int peak() {
        return peak;
    }

    synchronized void resetPeak() {
        peak = busy;
    }

    /** Takes a slot for each waiting request that now fits, oldest first. */
    private List<Runnable> startable() {
        List<Runnable> ready = new ArrayList<>(1);
        int limit = capacity.getAsInt();
        while (!waiting.isEmpty() && (limit <= 0 || busy < limit)) {
            ready.add(waiting.pollFirst());
            busy++;
        }
        peak = Math.max(peak, busy);
        return ready;
    }
}
