package dev.triage.gateway.reply;

import dev.triage.core.json.Json;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.ConversationEnvelope;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a conversation to the classifier with reply headers and returns the future reply.
 * The future fails with {@link java.util.concurrent.TimeoutException} after {@code timeout}
 * (the classifier still classifies it, but no longer replies once the deadline has passed).
 */
public final class RequestReplyClient {

    private final Producer<byte[], byte[]> producer;
    private final ReplyListener listener;
    private final String requestTopic;
    private final String replyTopic;
    private final int replyPartition;
    private final Clock clock;

    public RequestReplyClient(Producer<byte[], byte[]> producer, ReplyListener listener, String requestTopic,
                              String replyTopic, int replyPartition, Clock clock) {
        this.producer = producer;
        this.listener = listener;
        this.requestTopic = requestTopic;
        this.replyTopic = replyTopic;
        this.replyPartition = replyPartition;
        this.clock = clock;
    }

    public CompletableFuture<Reply> request(ConversationEnvelope conversation, Duration timeout) {
        String correlationId = UUID.randomUUID().toString();
        RecordHeaders headers = new RecordHeaders();
        TriageHeaders.put(headers, TriageHeaders.CORRELATION_ID, correlationId);
        TriageHeaders.put(headers, TriageHeaders.REPLY_TO, replyTopic);
        TriageHeaders.put(headers, TriageHeaders.REPLY_PARTITION, replyPartition);
        TriageHeaders.put(headers, TriageHeaders.DEADLINE, clock.millis() + timeout.toMillis());
        CompletableFuture<Reply> reply = listener.expect(correlationId);
        try {
            producer.send(new ProducerRecord<>(requestTopic, null, conversation.id().getBytes(StandardCharsets.UTF_8),
                    Json.encode(conversation), headers), (metadata, error) -> {
                        if (error != null) {
                            reply.completeExceptionally(error);
                        }
                    });
        } catch (RuntimeException e) {
            reply.completeExceptionally(e);
        }
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
