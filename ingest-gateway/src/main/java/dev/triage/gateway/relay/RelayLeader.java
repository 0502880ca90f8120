package dev.triage.gateway.relay;

import com.mongodb.MongoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the relay only while this gateway holds the relay lease, so that one relay is active among
 * several gateways. Every third of the lease's time it takes or renews the lease; with it, the relay
 * runs; without it (another holder, or MongoDB unreachable, so the lease may expire), the relay
 * is stopped. A holder that dies stops renewing, and another gateway takes over once the lease
 * expires: within {@code ttl} plus a third of it.
 *
 * <p>{@link #problem()} says when this gateway can no longer relay although it may hold the lease:
 * the lease task died (it is never run again) or the relay it started died.
 */
public final class RelayLeader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayLeader.class);

    private final RelayState state;
    private final String owner;
    private final Duration ttl;
    private final Supplier<ChangeStreamRelay> startRelay;
    private final ScheduledExecutorService ticks;
    private volatile ChangeStreamRelay relay; // read without the lock by problem(): /health must not wait for a tick
    private volatile String tickProblem;

    private RelayLeader(RelayState state, String owner, Duration ttl, Supplier<ChangeStreamRelay> startRelay) {
        this.state = state;
        this.owner = owner;
        this.ttl = ttl;
        this.startRelay = startRelay;
        this.ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "triage-relay-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /** Tries for the lease at once (so the relay runs on return when it could), then keeps trying. */
    public static RelayLeader start(RelayState state, String owner, Duration ttl, Supplier<ChangeStreamRelay> startRelay) {
        RelayLeader leader = new RelayLeader(state, owner, ttl, startRelay);
        leader.tick();
        long every = Math.max(1, ttl.toMillis() / 3);
        leader.ticks.scheduleWithFixedDelay(leader::tickOrDie, every, every, TimeUnit.MILLISECONDS);
        return leader;
    }

    /** The scheduled tick: a failure it did not expect ends the schedule, so it is reported. */
    private void tickOrDie() {
        try {
            tick();
        } catch (RuntimeException | Error e) {
            tickProblem = "the relay lease task stopped: " + e;
            LOG.error("the relay lease task stopped; this gateway neither relays nor renews the lease", e);
            throw e;
        }
    }

    private synchronized void tick() {
        boolean held;
        try {
            held = state.acquire(owner, ttl);
        } catch (MongoException e) {
            LOG.warn("cannot renew the relay lease: {}", e.toString());
            held = false;
        }
        try {
            if (held && relay == null) {
                LOG.info("this gateway ({}) holds the relay lease; relaying", owner);
                relay = startRelay.get();
            } else if (!held && relay != null) {
                LOG.warn("relay lease lost; stopping this gateway's relay");
                stopRelay();
            }
        } catch (RuntimeException e) {
            LOG.warn("relay cannot start yet: {}", e.toString());
        }
    }

    private void stopRelay() {
        try {
            relay.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        relay = null;
    }

    /** Null while the lease task runs and the relay, if this gateway runs it, too; else why not. */
    public String problem() {
        ChangeStreamRelay current = relay;
        String relayProblem = current == null ? null : current.problem();
        return tickProblem != null ? tickProblem : relayProblem == null ? null : "the relay stopped: " + relayProblem;
    }

    /** Stops the relay (saving its position) and gives the lease up for another gateway. */
    @Override
    public synchronized void close() {
        ticks.shutdownNow();
        if (relay != null) {
            stopRelay();
            try {
                state.release(owner);
            } catch (MongoException e) {
                LOG.warn("cannot release the relay lease; it expires in {} s: {}", ttl.toSeconds(), e.toString());
            }
        }
    }
}
