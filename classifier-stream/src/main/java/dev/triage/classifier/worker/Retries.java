package dev.triage.classifier.worker;

import java.time.Duration;
import java.util.Deque;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Records waiting to be tried again, soonest first. The wait doubles with each failed try, from
 * {@code firstWait} up to {@code maxWait}. Worker thread only.
 */
final class Retries {

    private record Due(long atNanos, long order, Task task) {
    }

    private final Duration firstWait;
    private final Duration maxWait;
    private final LongSupplier nanoTime;
    private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> a.atNanos() != b.atNanos()
            ? Long.compare(a.atNanos(), b.atNanos()) : Long.compare(a.order(), b.order()));
    private long added;

    Retries(Duration firstWait, Duration maxWait, LongSupplier nanoTime) {
        this.firstWait = firstWait;
        this.maxWait = maxWait;
        this.nanoTime = nanoTime;
    }

    /** Holds {@code task} after its {@code tries}-th failed try; returns how long. */
    Duration add(Task task, int tries) {
        long millis = Math.min(maxWait.toMillis(), firstWait.toMillis() << Math.min(tries - 1, 20));
        queue.add(new Due(nanoTime.getAsLong() + millis * 1_000_000, added++, task));
        return Duration.ofMillis(millis);
    }

    /** Moves the records whose wait is over to the front of {@code ready}, soonest first. */
    void moveDueTo(Deque<Task> ready) {
        long now = nanoTime.getAsLong();
        Deque<Task> due = new java.util.ArrayDeque<>();
        while (!queue.isEmpty() && queue.peek().atNanos() <= now) {
            due.addFirst(queue.poll().task());
        }
        due.forEach(ready::addFirst);
    }

    int size() {
        return queue.size();
    }

    void removeIf(Predicate<Task> filter) {
        queue.removeIf(d -> filter.test(d.task()));
    }
}
