package dev.triage.gateway.relay;

import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import dev.triage.core.mongo.ServerErrors;
import org.bson.BsonDocument;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Relays queries to Kafka from a change stream on {@code queries}, on its own thread, for one
 * tenure of the relay lease ({@link RelayState.Lease}).
 *
 * <p>Published: what {@link UpdateDecision} accepts (inserts of unprocessed queries, requeues by
 * {@code triage reprocess}). Every query read ends published or marked failed with its reason
 * ({@link QueryFailures}): a document that cannot become a conversation, or one Kafka refuses
 * (too large), is marked failed, never skipped; whatever its {@code _id} type.
 *
 * <p>Position: the resume token is saved in {@code pipeline_state} only after Kafka acknowledged
 * every query before it ({@code flush}), every {@code checkpointEvents} events or
 * {@code checkpointInterval}, also while the collection is quiet, and on shutdown. Saves are
 * fenced by the lease: once another gateway took the lease and claimed the token, a save throws
 * {@link LeaseLostException} and this relay stops. With no saved token, or one the server refuses
 * (history lost, invalid), the stream is opened first and every unprocessed query is then
 * published by a catch-up scan, so nothing inserted meanwhile is missed (queries seen by both are
 * published twice, which the idempotent sink absorbs); every {@code checkpointEvents} documents the
 * scan waits for Kafka and checks that it still owns the token, and it stops when the relay is
 * closed. The lease itself is renewed by {@link RelayLeader} on its own thread meanwhile.
 *
 * <p>States: {@link Phase#OPENING} (resume or scan), {@link Phase#TAILING}, and on any MongoDB
 * failure or unacknowledged send {@link Phase#BACKING_OFF}: the cursor is closed and the relay opens
 * again from the saved position after 1 s, doubling up to 30 s (one log line per attempt), until it
 * works or is closed. Anything else ends the thread ({@link Phase#DIED}); the leader notices.
 *
 * <p>The stream is polled with {@code tryNext}: a real MongoDB waits up to {@code maxAwaitTime};
 * a server that answers at once (the embedded one) is asked again after {@code idlePause}.
 */
public final class ChangeStreamRelay implements Runnable, AutoCloseable {

    /**
     * @param idlePause          wait after an empty answer
     * @param checkpointEvents   {@code RELAY_CHECKPOINT_EVENTS}: save the position at least every this many events
     * @param checkpointInterval {@code RELAY_CHECKPOINT_INTERVAL}: and at least this often
     */
    public record Settings(Duration idlePause, int checkpointEvents, Duration checkpointInterval) {
    }

    /** What the relay's thread is doing. */
    public enum Phase { OPENING, TAILING, BACKING_OFF, STOPPED, LEASE_LOST, DIED }

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamRelay.class);

    private final MongoCollection<Document> queries;
    private final QueryPublisher publisher;
    private final QueryFailures failures;
    private final RelayState state;
    private final RelayState.Lease lease;
    private final Settings settings;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    // owned by the relay's thread
    private MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor;
    private boolean claimed;
    private BsonDocument savedToken;
    private int eventsSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();
    private Duration backoff;
    // read by other threads
    private volatile boolean running = true;
    private volatile Phase phase = Phase.OPENING;
    private volatile String lastFailure;

    private ChangeStreamRelay(MongoCollection<Document> queries, QueryPublisher publisher, RelayState state,
                              RelayState.Lease lease, Settings settings) {
        this.queries = queries;
        this.publisher = publisher;
        this.failures = new QueryFailures(queries);
        this.state = state;
        this.lease = lease;
        this.settings = settings;
        this.thread = new Thread(this, "triage-relay");
    }

    /** Starts the relay's thread, which opens the stream where the last run stopped (or catches up), then tails it. */
    public static ChangeStreamRelay start(MongoCollection<Document> queries, QueryPublisher publisher, RelayState state,
                                          RelayState.Lease lease, Settings settings) {
        ChangeStreamRelay relay = new ChangeStreamRelay(queries, publisher, state, lease, settings);
        relay.thread.start();
        return relay;
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    if (cursor == null) {
                        phase = Phase.OPENING;
                        open();
                        continue;
                    }
                    step();
                } catch (MongoException | QueryPublisher.PublishFailedException e) {
                    closeCursor();
                    backOff(e);
                }
            }
            finalCheckpoint();
            phase = Phase.STOPPED;
        } catch (LeaseLostException e) {
            LOG.warn("relay stops: {}", e.getMessage());
            end(Phase.LEASE_LOST, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(Phase.STOPPED, e);
        } catch (RuntimeException e) { // logged here and reported by phase(): the leader starts a new relay
            LOG.error("relay died", e);
            end(Phase.DIED, e);
        } catch (Error e) {
            end(Phase.DIED, e);
            throw e;
        } finally {
            closeCursor();
        }
    }

    private void end(Phase ended, Throwable cause) {
        lastFailure = cause.toString();
        phase = ended;
    }

    private void open() {
        if (!claimed) {
            savedToken = state.claimToken(lease);
            claimed = true;
        }
        if (savedToken != null) {
            try {
                cursor = watch(savedToken);
                LOG.info("relay resumes {} from its saved position", queries.getNamespace());
                tailing();
                return;
            } catch (MongoServerException e) {
                if (ServerErrors.isClusters(e.getCode())) {
                    throw e; // a step-down or an outage, not a position the server cannot resume from: back off
                }
                LOG.warn("relay cannot resume {} from its saved position ({}); catching up with a scan",
                        queries.getNamespace(), e.getMessage());
            }
        }
        cursor = watch(null);
        if (catchUp()) {
            checkpoint();
            tailing();
        } else {
            closeCursor(); // closed meanwhile: the scan is incomplete, so its position must not be saved
        }
    }

    private void tailing() {
        phase = Phase.TAILING;
        backoff = null;
        lastFailure = null;
    }

    private MongoChangeStreamCursor<ChangeStreamDocument<Document>> watch(BsonDocument resumeAfter) {
        var stream = queries.watch().fullDocument(FullDocument.UPDATE_LOOKUP).batchSize(1000)
                .maxAwaitTime(1, TimeUnit.SECONDS);
        return (resumeAfter == null ? stream : stream.resumeAfter(resumeAfter)).cursor();
    }

    /**
     * Publishes every unprocessed query not marked failed (a failed one is classified again only when
     * asked, {@code triage reprocess}); false if the relay was closed before the end.
     */
    private boolean catchUp() {
        long seen = 0;
        try (MongoCursor<Document> unprocessed = queries.find(Filters.and(Filters.ne("processed", true),
                Filters.ne("status", "failed"))).iterator()) {
            while (unprocessed.hasNext()) {
                if (!running) {
                    return false;
                }
                publisher.publish(unprocessed.next(), failures);
                if (++seen % settings.checkpointEvents() == 0) {
                    publisher.settle(failures);
                    state.confirm(lease);
                }
            }
        }
        LOG.info("relay watching {}; catch-up scan read {} unprocessed queries", queries.getNamespace(), seen);
        return true;
    }

    private void step() throws InterruptedException {
        ChangeStreamDocument<Document> event = cursor.tryNext();
        if (event != null) {
            if (UpdateDecision.relays(event)) {
                publisher.publish(event.getFullDocument(), failures);
            }
            eventsSinceCheckpoint++;
        }
        if (eventsSinceCheckpoint >= settings.checkpointEvents()
                || System.nanoTime() - lastCheckpointNanos >= settings.checkpointInterval().toNanos()) {
            checkpoint();
        }
        if (event == null) {
            stopping.await(settings.idlePause().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Saves the stream's position once Kafka has acknowledged everything before it. */
    private void checkpoint() {
        publisher.settle(failures);
        eventsSinceCheckpoint = 0;
        lastCheckpointNanos = System.nanoTime();
        BsonDocument token = cursor.getResumeToken();
        if (token != null && !token.equals(savedToken)) {
            state.saveToken(lease, token);
            savedToken = token;
        }
    }

    private void finalCheckpoint() {
        if (cursor == null) {
            return;
        }
        try {
            checkpoint();
        } catch (MongoException | QueryPublisher.PublishFailedException e) {
            LOG.warn("relay stopped without saving its last position (the next relay publishes again from the one before): {}",
                    e.toString());
        }
    }

    private void backOff(RuntimeException e) throws InterruptedException {
        backoff = backoff == null ? FIRST_BACKOFF : backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                : backoff.multipliedBy(2);
        lastFailure = e.toString();
        phase = Phase.BACKING_OFF;
        LOG.warn("relay on {} failed; opening again from the saved position in {} s: {}", queries.getNamespace(),
                backoff.toSeconds(), e.toString());
        stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeCursor() {
        if (cursor == null) {
            return;
        }
        try {
            cursor.close();
        } catch (MongoException ignored) {
            // the cursor went with its connection; nothing to release
        }
        cursor = null;
    }

    /** What the thread is doing. */
    public Phase phase() {
        return phase;
    }

    /** Whether the thread has ended (closed, lease lost, or died). */
    public boolean ended() {
        return !thread.isAlive();
    }

    /** Null while the relay opens or tails; else why it is not relaying. */
    public String notRelaying() {
        Phase now = phase;
        return switch (now) {
            case OPENING, TAILING -> null;
            case BACKING_OFF -> "not running: restarting after " + lastFailure;
            case STOPPED -> "not running: stopped";
            case LEASE_LOST -> "not running: lease lost (" + lastFailure + ")";
            case DIED -> "not running: died: " + lastFailure;
        };
    }

    /** Stops tailing (or scanning), saves the position, closes the stream. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        stopping.countDown();
        thread.join(Duration.ofSeconds(30).toMillis());
    }
}
