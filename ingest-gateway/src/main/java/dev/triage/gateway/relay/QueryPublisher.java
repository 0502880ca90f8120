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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes queries to the conversations topic, keyed by their {@code _id}, and accounts for each:
 * a document that cannot become a conversation is marked failed at once; Kafka's answers come on
 * the producer's thread, where a send that failed for a transient reason is counted and one Kafka
 * refuses for the record itself (too large, invalid) is queued, since publishing it again would
 * fail again forever. {@link #settle()}, on the relay's thread, waits for Kafka, marks the refused
 * queries failed, and fails if a send failed (the relay then publishes again from its saved
 * position). Used by one relay thread at a time.
 */
public final class QueryPublisher {

    /** Kafka did not acknowledge some sends: publish again from the saved position. */
    static final class PublishFailedException extends RuntimeException {
        PublishFailedException(String message) {
            super(message);
        }
    }

    /** A query Kafka will never take, and why. {@code id} is its {@code _id} as the driver decoded it. */
    private record Refused(Object id, String reason) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(QueryPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Clock clock;
    private final AtomicLong failed = new AtomicLong();
    private long failedAtSettle; // the relay's thread's
    private final Queue<Refused> refused = new ConcurrentLinkedQueue<>();

    public QueryPublisher(Producer<byte[], byte[]> producer, String topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    /** Hands {@code query} to Kafka, or marks it failed in {@code failures} if it cannot become a conversation. */
    void publish(Document query, QueryFailures failures) {
        ConversationEnvelope conversation;
        try {
            conversation = QueryDocuments.toConversation(query, Source.MONGO, clock.instant());
        } catch (RuntimeException e) { // pure conversion, no I/O: whatever fails here is the document's doing
            failures.mark(query.get("_id"), "cannot make a conversation of it: " + e);
            return;
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

    /**
     * Waits until every send so far is acknowledged or failed, then marks the queries Kafka refused.
     *
     * @throws PublishFailedException if a send failed for a transient reason since the last call
     */
    void settle(QueryFailures failures) {
        producer.flush();
        for (Refused r = refused.poll(); r != null; r = refused.poll()) {
            failures.mark(r.id(), r.reason());
        }
        long now = failed.get();
        if (now > failedAtSettle) {
            long newly = now - failedAtSettle;
            failedAtSettle = now;
            throw new PublishFailedException(newly + " queries were not acknowledged by Kafka");
        }
    }
}
