package dev.triage.classifier.worker;

import java.util.TreeSet;

/**
 * The records of one partition that are not finished yet, in offset order. The offset that may
 * be committed is the lowest unfinished one (everything below it is done), or one past the
 * highest seen when all are done. Owned by the worker's thread; synchronized so that a gauge may read it.
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
    }

    /** Records started and not ended yet. */
    synchronized int inFlight() {
        return started;
    }

    /** The offset to commit, or -1 when nothing was seen. */
    synchronized long committable() {
        return unfinished.isEmpty() ? next : unfinished.first();
    }
}
