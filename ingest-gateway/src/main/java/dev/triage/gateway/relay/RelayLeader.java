package dev.triage.gateway.relay;

import com.mongodb.MongoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the relay only while this gateway holds the relay lease, so that one relay is active among
 * several gateways. Every third of the lease's time (server time, see {@link RelayState}) it takes
 * or renews the lease, on its own thread, so a long catch-up scan on the relay's thread does not
 * stop the renewals. With the lease, the relay runs; without it (another holder, or MongoDB
 * unreachable, so the lease may expire), the relay is stopped. A holder that dies stops renewing,
 * and another gateway takes over once the lease expires: within {@code ttl} plus a third of it.
 *
 * <p>A relay whose thread ended by itself is noticed at the next tick: one that lost its lease is
 * dropped (the lease is no longer renewed); one that died is started again, and after
 * {@link #MAX_DEATHS} deaths in a row without ever tailing, this gateway gives the lease up for
 * good and {@link #problem()} says why (so {@code /health} asks for a restart).
 */
public final class RelayLeader implements AutoCloseable {

    static final int MAX_DEATHS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(RelayLeader.class);

    private final RelayState state;
    private final String owner;
    private final Duration ttl;
    private final Function<RelayState.Lease, ChangeStreamRelay> startRelay;
    private final ScheduledExecutorService ticks;
    // changed under the lock; volatile because problem() and notRelaying() read them without it
    private volatile RelayState.Lease lease;
    private volatile ChangeStreamRelay relay;
    private volatile String gaveUp;
    private volatile String tickProblem;
    private volatile String leaseProblem;
    private int deaths;

    private RelayLeader(RelayState state, String owner, Duration ttl, Function<RelayState.Lease, ChangeStreamRelay> startRelay) {
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

    /** Tries for the lease at once (so the relay starts on return when it could), then keeps trying. */
    public static RelayLeader start(RelayState state, String owner, Duration ttl,
                                    Function<RelayState.Lease, ChangeStreamRelay> startRelay) {
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
        if (gaveUp != null) {
            return;
        }
        if (relay != null && relay.ended()) {
            relayEnded();
        }
        if (gaveUp != null) {
            return;
        }
        RelayState.Lease held;
        try {
            held = state.acquire(owner, lease, ttl);
            leaseProblem = null;
            lease = held;
        } catch (MongoException e) {
            // the lease may expire meanwhile, so the relay stops; the tenure is kept: if nobody took
            // the lease over, the next tick renews it instead of waiting for it to expire
            LOG.warn("cannot renew the relay lease: {}", e.toString());
            leaseProblem = "cannot take or renew the relay lease: " + e;
            held = null;
        }
        if (held != null && relay == null) {
            LOG.info("this gateway ({}) holds the relay lease (epoch {}); relaying", owner, held.epoch());
            relay = startRelay.apply(held);
        } else if (held == null && relay != null) {
            LOG.warn("relay lease lost; stopping this gateway's relay");
            stopRelay();
        } else if (relay != null && relay.phase() == ChangeStreamRelay.Phase.TAILING) {
            deaths = 0;
        }
    }

    private void relayEnded() {
        ChangeStreamRelay ended = relay;
        stopRelay();
        if (ended.phase() == ChangeStreamRelay.Phase.DIED && ++deaths >= MAX_DEATHS) {
            gaveUp = "the relay died " + deaths + " times in a row, last: " + ended.notRelaying();
            LOG.error("{}; this gateway gives the relay lease up", gaveUp);
            releaseLease();
        } else {
            LOG.warn("the relay ended ({}); starting it again if this gateway still holds the lease", ended.notRelaying());
        }
    }

    /**
     * Stops the relay; one that has not ended within its close timeout (a flush waiting for Kafka)
     * is kept, so that no second relay starts beside it, and dropped at a later tick once it ended.
     */
    private void stopRelay() {
        try {
            relay.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (relay.ended()) {
            relay = null;
        } else {
            LOG.warn("the relay has not stopped yet; no other relay starts on this gateway until it has");
        }
    }

    private void releaseLease() {
        RelayState.Lease held = lease;
        lease = null;
        if (held == null) {
            return;
        }
        try {
            state.release(held);
        } catch (MongoException e) {
            LOG.warn("cannot release the relay lease; it expires in {} s: {}", ttl.toSeconds(), e.toString());
        }
    }

    /** Null while the lease task runs and the relay was not given up; else why (for {@code /health}). */
    public String problem() {
        return tickProblem != null ? tickProblem : gaveUp;
    }

    /**
     * Null when this gateway relays or does not hold the lease (another gateway relays); else why
     * it should relay but does not (for {@code /ready}).
     */
    public String notRelaying() {
        String problem = problem();
        if (problem != null) {
            return "not running: " + problem;
        }
        ChangeStreamRelay current = relay;
        if (current != null) {
            return current.notRelaying();
        }
        String unknown = leaseProblem; // unknown whether another gateway relays
        return unknown == null ? null : "not running: " + unknown;
    }

    /** Stops the relay (saving its position) and gives the lease up for another gateway. */
    @Override
    public synchronized void close() {
        ticks.shutdownNow();
        if (relay != null) {
            stopRelay();
        }
        releaseLease();
    }
}
