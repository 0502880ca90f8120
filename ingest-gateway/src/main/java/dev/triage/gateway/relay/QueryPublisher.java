package dev.triage.gateway.relay;

import dev.triage.core.json.Json;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.QueryDocuments;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/** Publishes unprocessed queries to the conversations topic, keyed by their {@code _id}. */
public final class QueryPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(QueryPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Clock clock;
    private final AtomicLong failed = new AtomicLong();

    public QueryPublisher(Producer<byte[], byte[]> producer, String topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    /** Publishes {@code query} if it is not processed yet; returns whether it was handed to Kafka. */
    boolean publishIfUnprocessed(Document query) {
        if (query == null || !QueryDocuments.isUnprocessed(query)) {
            return false;
        }
        ConversationEnvelope conversation = QueryDocuments.toConversation(query, Source.MONGO, clock.instant());
        producer.send(new ProducerRecord<>(topic, conversation.id().getBytes(StandardCharsets.UTF_8),
                Json.encode(conversation)), (metadata, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        LOG.error("query {} not published to {}: {}", conversation.id(), topic, error.toString());
                    }
                });
        return true;
    }


    /** Sends that Kafka did not acknowledge, since start. */
    long failed() {
        return failed.get();
    }

    /** Waits until every send so far is acknowledged or failed. */
    void flush() {
        producer.flush();
    }
}
