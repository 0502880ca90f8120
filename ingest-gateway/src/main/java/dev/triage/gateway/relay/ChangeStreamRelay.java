package dev.triage.gateway.relay;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.OperationType;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.Document;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Relays new queries to Kafka: opens a change stream on {@code queries}, waits until the server
 * confirmed it, then publishes every unprocessed query already there (so none inserted before or
 * during start-up is missed), then tails the stream for inserts. A query seen by both the scan and
 * the stream is published twice, which the idempotent sink absorbs.
 */
public final class ChangeStreamRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamRelay.class);

    private final QueryPublisher publisher;
    private final Tail<ChangeStreamDocument<Document>> stream;

    private ChangeStreamRelay(QueryPublisher publisher, Tail<ChangeStreamDocument<Document>> stream) {
        this.publisher = publisher;
        this.stream = stream;
    }

    public static ChangeStreamRelay start(MongoCollection<Document> queries, QueryPublisher publisher,
                                   ChangeStreamOpened opened, Duration timeout) throws Exception {
        Tail<ChangeStreamDocument<Document>> stream = new Tail<>(event -> {
            if (event.getOperationType() == OperationType.INSERT) {
                publisher.publishIfUnprocessed(event.getFullDocument());
            }
        });
        queries.watch().fullDocument(FullDocument.UPDATE_LOOKUP).subscribe(stream);
        try {
            opened.future().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Tail<Document> scan = new Tail<>(publisher::publishIfUnprocessed);
            queries.find(Filters.ne("processed", true)).subscribe(scan);
            long caughtUp = scan.done.get(timeout.toMillis() * 10, TimeUnit.MILLISECONDS);
            LOG.info("relay watching {}; {} unprocessed queries already there were published",
                    queries.getNamespace(), caughtUp);
        } catch (Exception e) {
            stream.cancel();
            throw e;
        }
        return new ChangeStreamRelay(publisher, stream);
    }

    /** How many queries this relay has handed to Kafka, acknowledged. */
    public long published() {
        return publisher.published();
    }

    @Override
    public void close() {
        stream.cancel();
    }

    /** Requests one item at a time and hands each to {@code action}; counts them. */
    private static final class Tail<T> implements Subscriber<T> {
        private final Consumer<T> action;
        private final CompletableFuture<Long> done = new CompletableFuture<>();
        private volatile Subscription subscription;
        private long count;

        Tail(Consumer<T> action) {
            this.action = action;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(T item) {
            try {
                action.accept(item);
                count++;
            } catch (RuntimeException e) {
                LOG.error("cannot relay {}: {}", item, e.toString());
            } finally {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            LOG.error("reading queries failed; new queries are not relayed until restart: {}", t.toString());
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(count);
        }

        void cancel() {
            Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
