package dev.triage.gateway.reply;

import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ErrorReply;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the reply topic and completes the waiting request with the same correlation id. It reads
 * every partition from the end without a consumer group, so it sees only replies sent after it
 * started, and ignores replies that belong to other gateway instances (unknown correlation ids).
 */
public final class ReplyListener implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);

    private final Consumer<byte[], byte[]> consumer;
    private final int partitionCount;
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private ReplyListener(Consumer<byte[], byte[]> consumer, int partitionCount) {
        this.consumer = consumer;
        this.partitionCount = partitionCount;
    }

    /**
     * Assigns every partition of {@code topic} at its end and returns once the positions are known,
     * so no reply sent from now on can be missed. Call {@link #run()} on a thread afterwards.
     */
    public static ReplyListener assignedTo(Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        return new ReplyListener(consumer, KafkaClients.assignAtEnd(consumer, List.of(topic), timeout).size());
    }

    /** Registers a request; the future completes when its reply arrives. */
    public CompletableFuture<Reply> expect(String correlationId) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        pending.put(correlationId, reply);
        reply.whenComplete((r, e) -> pending.remove(correlationId));
        return reply;
    }

    /** Partitions of the reply topic, all read by this listener. */
    public int partitionCount() {
        return partitionCount;
    }


    @Override
    public void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close();
        }
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        String correlationId = TriageHeaders.get(record.headers(), TriageHeaders.CORRELATION_ID);
        CompletableFuture<Reply> waiting = correlationId == null ? null : pending.get(correlationId);
        if (waiting == null) {
            return;
        }
        try {
            boolean isError = TriageHeaders.get(record.headers(), TriageHeaders.ERROR_CODE) != null;
            waiting.complete(isError
                    ? new Reply(null, Json.decode(record.value(), ErrorReply.class))
                    : new Reply(Json.decode(record.value(), ClassificationResult.class), null));
        } catch (PayloadException e) {
            LOG.warn("unreadable reply for {}: {}", correlationId, e.getMessage());
            waiting.completeExceptionally(e);
        }
    }
}
