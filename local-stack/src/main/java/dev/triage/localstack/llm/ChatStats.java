package dev.triage.localstack.llm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulator counts of its chat requests, for tests and benchmarks: requests, requests held
 * at once (queued or processed), 429 and 500 answers, the server-side latency of 200 answers, and the
 * {@link LabelOracle}'s hits and misses.
 * Thread-safe.
 */
final class ChatStats {

    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger peakHeld = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong oracleHits = new AtomicLong();
    private final AtomicLong oracleMisses = new AtomicLong();
    private final LatencySamples latencies = new LatencySamples();

    /** A chat request came in; it is held until {@link #answered(int)}. */
    void arrived() {
        requests.incrementAndGet();
        peakHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
    }

    /** A held request is answered (called just before the answer leaves). */
    void answered(int status) {
        held.decrementAndGet();
        if (status == 429) {
            rateLimited.incrementAndGet();
        } else if (status == 500) {
            serverErrors.incrementAndGet();
        }
    }

    /** A 200 answer was sent, {@code nanos} after its request arrived. */
    void served(long nanos) {
        latencies.record(nanos);
    }

    /** The {@link LabelOracle} was asked about a processed request, and knew its conversation ({@code hit}) or not. */
    void oracleConsulted(boolean hit) {
        (hit ? oracleHits : oracleMisses).incrementAndGet();
    }

    int held() {
        return held.get();
    }

    int peakHeld() {
        return peakHeld.get();
    }

    long requests() {
        return requests.get();
    }

    long rateLimited() {
        return rateLimited.get();
    }

    long serverErrors() {
        return serverErrors.get();
    }

    long oracleHits() {
        return oracleHits.get();
    }

    long oracleMisses() {
        return oracleMisses.get();
    }

    double latencyPercentileMs(double p) {
        return latencies.percentileMs(p);
    }

    /** Starts counting afresh; requests still held stay held and count towards the new peak. */
    void reset() {
        peakHeld.set(held.get());
        requests.set(0);
        rateLimited.set(0);
        serverErrors.set(0);
        oracleHits.set(0);
        oracleMisses.set(0);
        latencies.clear();
    }
}
