package dev.triage.classifier.worker;

import java.util.TreeSet;

/**
 * The records of one partition that are not finished yet, in offset order. The offset that may
 * be committed is the lowest unfinished one (everything below it is done), or one past the
 * highest seen when all are done. Thread-safe: records finish on other threads.
 */
final class OffsetTracker {

    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long next = -1;
    private int started;

    synchronized void add(long offset) {
        unfinished.add(offset);
        next = Math.max(next, offset + 1);
    }

    synchronized void started() {
        started++;
    }

    /** A started record ended: finished ({@code done}) or handed back to be tried again. */
    synchronized void ended(long offset, boolean done) {
        started--;
        if (done) {
            unfinished.remove(offset);
        }
        notifyAll();
    }

    /** Records started and not ended yet. */
    synchronized int inFlight() {
        return started;
    }

    /** The offset to commit, or -1 when nothing was seen. */
    synchronized long committable() {
        return unfinished.isEmpty() ? next : unfinished.first();
    }

    /** Waits up to {@code millis} until no record of this partition is being processed. */
    synchronized boolean awaitNoneStarted(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (started > 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
