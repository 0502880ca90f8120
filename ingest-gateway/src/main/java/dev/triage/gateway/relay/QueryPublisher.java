package dev.triage.gateway.relay;

import dev.triage.core.json.Json;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.QueryDocuments;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes queries to the conversations topic, keyed by their {@code _id}. Kafka's answers come
 * on the producer's thread: a send that failed for a transient reason is counted ({@link #failed()}:
 * the relay publishes again from its saved position); one Kafka refuses for the record itself (too
 * large, invalid) is queued for the relay's thread to mark failed ({@link #drainRefused()}), since
 * publishing it again would fail again forever.
 */
public final class QueryPublisher {

    /** A document that cannot become a conversation (its {@code _id}, its content); the message says why. */
    static final class UnrelayableQueryException extends Exception {
        UnrelayableQueryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A query Kafka will never take, and why. {@code id} is its {@code _id} as the driver decoded it. */
    record Refused(Object id, String reason) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(QueryPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Clock clock;
    private final AtomicLong failed = new AtomicLong();
    private final Queue<Refused> refused = new ConcurrentLinkedQueue<>();

    public QueryPublisher(Producer<byte[], byte[]> producer, String topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    /**
     * Hands {@code query} to Kafka.
     *
     * @throws UnrelayableQueryException when the document cannot become a conversation: the caller marks it failed
     */
    void publish(Document query) throws UnrelayableQueryException {
        ConversationEnvelope conversation;
        try {
            conversation = QueryDocuments.toConversation(query, Source.MONGO, clock.instant());
        } catch (RuntimeException e) { // pure conversion, no I/O: whatever fails here is the document's doing
            throw new UnrelayableQueryException("cannot make a conversation of it: " + e, e);
        }
        Object id = query.get("_id");
        producer.send(new ProducerRecord<>(topic, conversation.id().getBytes(StandardCharsets.UTF_8),
                Json.encode(conversation)), (metadata, error) -> {
                    if (error instanceof RecordTooLargeException || error instanceof InvalidRecordException) {
                        refused.add(new Refused(id, "Kafka refused the conversation: " + error));
                    } else if (error != null) {
                        failed.incrementAndGet();
                        LOG.error("query {} not published to {}: {}", conversation.id(), topic, error.toString());
                    }
                });
    }

    /** Sends that failed for a transient reason, since start. */
    long failed() {
        return failed.get();
    }

    /** The queries Kafka refused since the last call. */
    List<Refused> drainRefused() {
        List<Refused> drained = new ArrayList<>();
        for (Refused r = refused.poll(); r != null; r = refused.poll()) {
            drained.add(r);
        }
        return drained;
    }

    /** Waits until every send so far is acknowledged or failed. */
    void flush() {
        producer.flush();
    }
}
