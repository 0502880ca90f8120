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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends conversations to the classifier: with reply headers addressed to this instance's reply
 * topic ({@link #request}), or without them when the caller does not wait ({@link #send}).
 */
public final class RequestReplyClient {

    private final Producer<byte[], byte[]> producer;
    private final ReplyListener listener;
    private final String requestTopic;
    private final String replyTopic;
    private final Clock clock;

    public RequestReplyClient(Producer<byte[], byte[]> producer, ReplyListener listener, String requestTopic,
                              String replyTopic, Clock clock) {
        this.producer = producer;
        this.listener = listener;
        this.requestTopic = requestTopic;
        this.replyTopic = replyTopic;
        this.clock = clock;
    }

    /**
     * The future reply. It fails with {@link java.util.concurrent.TimeoutException} after
     * {@code timeout} (the classifier still classifies the conversation, but no longer replies
     * once the deadline has passed), or with the producer's error when Kafka did not take it.
     */
    public CompletableFuture<Reply> request(ConversationEnvelope conversation, String correlationId, Duration timeout) {
        RecordHeaders headers = new RecordHeaders();
        TriageHeaders.put(headers, TriageHeaders.CORRELATION_ID, correlationId);
        TriageHeaders.put(headers, TriageHeaders.REPLY_TO, replyTopic);
        TriageHeaders.put(headers, TriageHeaders.REPLY_PARTITION, 0);
        TriageHeaders.put(headers, TriageHeaders.DEADLINE, clock.millis() + timeout.toMillis());
        CompletableFuture<Reply> reply = listener.expect(correlationId);
        send(conversation, headers).whenComplete((sent, error) -> {
            if (error != null) {
                reply.completeExceptionally(error);
            }
        });
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** False when this instance's reply listener stopped: a synchronous request could never be answered. */
    public boolean canReceiveReplies() {
        return listener.running();
    }

    /** Completes when Kafka has the conversation; the sink stores its classification later. */
    public CompletableFuture<Void> send(ConversationEnvelope conversation, String correlationId) {
        RecordHeaders headers = new RecordHeaders();
        TriageHeaders.put(headers, TriageHeaders.CORRELATION_ID, correlationId);
        return send(conversation, headers);
    }

    private CompletableFuture<Void> send(ConversationEnvelope conversation, RecordHeaders headers) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(requestTopic, null, conversation.id().getBytes(StandardCharsets.UTF_8),
                    Json.encode(conversation), headers), (metadata, error) -> {
                        if (error != null) {
                            sent.completeExceptionally(error);
                        } else {
                            sent.complete(null);
                        }
                    });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        return sent;
    }
}
