package dev.triage.gateway.relay;

import com.mongodb.MongoException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.OperationType;
import org.bson.BsonDocument;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Relays queries to Kafka from a change stream on {@code queries}, on its own thread.
 *
 * <p>Published: inserts of unprocessed queries, and updates or replaces that set {@code processed}
 * back to false (a user asking for a query to be classified again, see {@link #isReset}). The
 * sink's own status updates leave {@code processed} alone and are not relayed.
 *
 * <p>Position: the resume token is saved in {@code pipeline_state} only after Kafka acknowledged
 * every query before it ({@code flush}), every {@code checkpointEvents} events or
 * {@code checkpointInterval}, also while the collection is quiet (the post-batch token, so it does
 * not age out of the oplog), and on shutdown. A restart resumes there. With no saved token, or one
 * the server cannot resume from (history lost, invalid), the stream is opened first and every
 * unprocessed query is then published by a scan, so nothing inserted meanwhile is missed; queries
 * seen by both are published twice, which the idempotent sink absorbs. If a send fails, the relay
 * reopens from the last saved position, publishing again what followed it.
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

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamRelay.class);

    private final MongoCollection<Document> queries;
    private final QueryPublisher publisher;
    private final RelayState state;
    private final Settings settings;
    private final Thread thread;
    private MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor;
    private BsonDocument savedToken;
    private long failedAtCheckpoint;
    private int eventsSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();
    private volatile boolean running = true;
    private volatile String problem;

    private ChangeStreamRelay(MongoCollection<Document> queries, QueryPublisher publisher, RelayState state,
                              Settings settings) {
        this.queries = queries;
        this.publisher = publisher;
        this.state = state;
        this.settings = settings;
        this.thread = new Thread(this, "triage-relay");
    }

    /** Opens the stream where the last run stopped (or catches up), then tails it. */
    public static ChangeStreamRelay start(MongoCollection<Document> queries, QueryPublisher publisher, RelayState state,
                                          Settings settings) {
        ChangeStreamRelay relay = new ChangeStreamRelay(queries, publisher, state, settings);
        relay.savedToken = state.loadToken();
        relay.openAtSavedPosition();
        relay.thread.start();
        return relay;
    }

    private void openAtSavedPosition() {
        if (savedToken != null) {
            try {
                cursor = open(savedToken);
                LOG.info("relay resumes {} from its saved position", queries.getNamespace());
                return;
            } catch (MongoException e) {
                LOG.warn("relay cannot resume {} from its saved position ({}); catching up with a scan",
                        queries.getNamespace(), e.getMessage());
            }
        }
        cursor = open(null);
        long caughtUp = 0;
        try (MongoCursor<Document> unprocessed = queries.find(Filters.ne("processed", true)).iterator()) {
            while (unprocessed.hasNext()) {
                caughtUp += publisher.publishIfUnprocessed(unprocessed.next()) ? 1 : 0;
            }
        }
        LOG.info("relay watching {}; catch-up scan published {} unprocessed queries", queries.getNamespace(), caughtUp);
        checkpoint();
    }

    private MongoChangeStreamCursor<ChangeStreamDocument<Document>> open(BsonDocument resumeAfter) {
        var stream = queries.watch().fullDocument(FullDocument.UPDATE_LOOKUP).batchSize(1000)
                .maxAwaitTime(1, TimeUnit.SECONDS);
        return (resumeAfter == null ? stream : stream.resumeAfter(resumeAfter)).cursor();
    }

    @Override
    public void run() {
        try {
            while (running) {
                step();
            }
            checkpoint();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endedBy(e);
        } catch (MongoException e) {
            LOG.warn("relay stopped without saving its position: {}", e.toString());
            endedBy(e);
        } catch (RuntimeException | Error e) {
            endedBy(e);
            throw e;
        } finally {
            cursor.close();
        }
    }

    /** Only a relay that was not asked to stop has died: nothing relays any more, though the lease is held. */
    private void endedBy(Throwable e) {
        if (running) {
            problem = e.toString();
        }
    }

    /** Null while the relay runs or after {@link #close()}; else why its thread died. */
    public String problem() {
        return problem;
    }

    private void step() throws InterruptedException {
        try {
            ChangeStreamDocument<Document> event = cursor.tryNext();
            if (event != null) {
                try {
                    relay(event);
                } catch (RuntimeException e) { // an event it cannot read must not stop the relay
                    LOG.error("cannot relay change event {}: {}", event.getDocumentKey(), e.toString());
                }
                eventsSinceCheckpoint++;
            }
            if (eventsSinceCheckpoint >= settings.checkpointEvents()
                    || System.nanoTime() - lastCheckpointNanos >= settings.checkpointInterval().toNanos()) {
                checkpoint();
            }
            if (event == null) {
                Thread.sleep(settings.idlePause().toMillis());
            }
        } catch (MongoException e) {
            LOG.warn("change stream on {} failed, reopening from the saved position in 1 s: {}",
                    queries.getNamespace(), e.toString());
            Thread.sleep(1000);
            reopen();
        }
    }

    private void relay(ChangeStreamDocument<Document> event) {
        OperationType type = event.getOperationType();
        if (type == OperationType.INSERT || type == OperationType.REPLACE
                || type == OperationType.UPDATE && isReset(event)) {
            publisher.publishIfUnprocessed(event.getFullDocument());
        }
    }

    /**
     * Whether an update asks for the query to be classified again. MongoDB says which fields an
     * update set: {@code processed} must be one of them (the sink's updates set it to true or leave
     * it alone). A server that does not say (mongo-java-server) is judged by the document looked
     * up: unprocessed and not marked failed by the sink, so a dead-lettered query is not relayed
     * again and again.
     */
    private static boolean isReset(ChangeStreamDocument<Document> event) {
        var description = event.getUpdateDescription();
        if (description != null && description.getUpdatedFields() != null) {
            return description.getUpdatedFields().containsKey("processed");
        }
        Document query = event.getFullDocument();
        return query != null && !"failed".equals(query.get("status"));
    }

    /** Saves the stream's position once Kafka has acknowledged everything before it. */
    private void checkpoint() {
        publisher.flush();
        eventsSinceCheckpoint = 0;
        lastCheckpointNanos = System.nanoTime();
        if (publisher.failed() > failedAtCheckpoint) {
            failedAtCheckpoint = publisher.failed();
            LOG.warn("some queries were not published to Kafka; relaying again from the saved position");
            reopen();
            return;
        }
        BsonDocument token = cursor.getResumeToken();
        if (token != null && !token.equals(savedToken)) {
            state.saveToken(token);
            savedToken = token;
        }
    }

    private void reopen() {
        try {
            cursor.close();
        } catch (MongoException ignored) {
            // the old cursor went with its connection; nothing to release
        }
        try {
            openAtSavedPosition();
        } catch (MongoException e) {
            LOG.warn("cannot reopen the change stream yet: {}", e.toString());
        }
    }

    /** Stops tailing, saves the position, closes the stream. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(30).toMillis());
    }
}
