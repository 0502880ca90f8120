package dev.triage.classifier.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Closes when records fail for a reason that is not theirs (model server or Kafka away) and
 * reopens after a wait that doubles from {@code firstWait} up to {@code maxWait} while failures
 * go on. While it is closed, no new record is started. One log line when it closes, one when
 * records flow again.
 */
final class OutageGate {

    private static final Logger LOG = LoggerFactory.getLogger(OutageGate.class);

    private final Duration firstWait;
    private final Duration maxWait;
    private final LongSupplier nanoTime;
    private long openAtNanos;
    private long waitMillis;
    private boolean failing;

    OutageGate(Duration firstWait, Duration maxWait, LongSupplier nanoTime) {
        this.firstWait = firstWait;
        this.maxWait = maxWait;
        this.nanoTime = nanoTime;
    }

    synchronized boolean isClosed() {
        return failing && nanoTime.getAsLong() < openAtNanos;
    }

    /** Records a failure; returns how long to wait before trying again. */
    synchronized Duration failed(Throwable cause) {
        if (!failing) {
            failing = true;
            waitMillis = firstWait.toMillis();
            LOG.warn("classification paused, the model server or Kafka is failing: {}", cause.toString());
        } else if (nanoTime.getAsLong() >= openAtNanos) {
            waitMillis = Math.min(waitMillis * 2, maxWait.toMillis());
        }
        openAtNanos = nanoTime.getAsLong() + waitMillis * 1_000_000;
        return Duration.ofMillis(waitMillis);
    }

    synchronized void succeeded() {
        if (failing) {
            failing = false;
            LOG.info("classification resumed");
        }
    }
}
