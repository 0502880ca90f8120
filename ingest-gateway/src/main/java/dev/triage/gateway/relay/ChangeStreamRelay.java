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
 * Relays new queries to Kafka: opens a change stream on {@code queries}, then publishes every
 * unprocessed query already there (so none inserted before or during start-up is missed), then
 * tails the stream for inserts on its own thread. A query seen by both the scan and the stream is
 * published twice, which the idempotent sink absorbs.
 *
 * <p>The stream is polled with {@code tryNext}: a real MongoDB waits up to {@code maxAwaitTime}
 * for events; a server that answers at once (the embedded one) is asked again only after
 * {@code idlePause}, so an idle relay does not spin. If the stream fails, it is reopened after the
 * last event seen.
 */
public final class ChangeStreamRelay implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamRelay.class);

    private final MongoCollection<Document> queries;
    private final QueryPublisher publisher;
    private final Duration idlePause;
    private final Thread thread;
    private MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor;
    private BsonDocument resumeToken;
    private volatile boolean running = true;

    private ChangeStreamRelay(MongoCollection<Document> queries, QueryPublisher publisher, Duration idlePause,
                              MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor) {
        this.queries = queries;
        this.publisher = publisher;
        this.idlePause = idlePause;
        this.cursor = cursor;
        this.thread = new Thread(this, "triage-relay");
    }

    /** Opens the stream, catches up with the unprocessed queries, and starts tailing. */
    public static ChangeStreamRelay start(MongoCollection<Document> queries, QueryPublisher publisher,
                                          Duration idlePause) {
        ChangeStreamRelay relay = new ChangeStreamRelay(queries, publisher, idlePause, open(queries, null));
        try {
            long caughtUp = 0;
            try (MongoCursor<Document> unprocessed = queries.find(Filters.ne("processed", true)).iterator()) {
                while (unprocessed.hasNext()) {
                    caughtUp += publisher.publishIfUnprocessed(unprocessed.next()) ? 1 : 0;
                }
            }
            LOG.info("relay watching {}; {} unprocessed queries already there were published",
                    queries.getNamespace(), caughtUp);
        } catch (RuntimeException e) {
            relay.cursor.close();
            throw e;
        }
        relay.thread.start();
        return relay;
    }

    private static MongoChangeStreamCursor<ChangeStreamDocument<Document>> open(MongoCollection<Document> queries,
                                                                                BsonDocument resumeAfter) {
        var stream = queries.watch().fullDocument(FullDocument.UPDATE_LOOKUP).maxAwaitTime(1, TimeUnit.SECONDS);
        return (resumeAfter == null ? stream : stream.resumeAfter(resumeAfter)).cursor();
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    ChangeStreamDocument<Document> event = cursor.tryNext();
                    if (event == null) {
                        Thread.sleep(idlePause.toMillis());
                        continue;
                    }
                    resumeToken = event.getResumeToken();
                    if (event.getOperationType() == OperationType.INSERT) {
                        publisher.publishIfUnprocessed(event.getFullDocument());
                    }
                } catch (MongoException e) {
                    LOG.warn("change stream on {} failed, reopening in {} ms: {}", queries.getNamespace(),
                            idlePause.toMillis() * 10, e.toString());
                    Thread.sleep(idlePause.toMillis() * 10);
                    reopen();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            cursor.close();
        }
    }

    private void reopen() {
        try {
            cursor.close();
        } catch (MongoException ignored) {
            // the old cursor is gone with the connection; nothing to release
        }
        try {
            cursor = open(queries, resumeToken);
        } catch (MongoException e) {
            LOG.warn("cannot reopen the change stream yet: {}", e.toString());
        }
    }

    /** How many queries this relay has handed to Kafka, acknowledged. */
    public long published() {
        return publisher.published();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
