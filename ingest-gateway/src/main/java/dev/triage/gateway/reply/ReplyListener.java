package dev.triage.gateway.reply;

import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ErrorReply;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads this instance's reply topic and completes the waiting request with the same correlation
 * id. It reads from the end without a consumer group, so it sees only replies sent after it
 * started, and drops replies nobody waits for any more (their request timed out).
 */
public final class ReplyListener implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile String problem;

    private ReplyListener(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /**
     * Assigns the single partition of {@code topic} (see {@link ReplyTopic}) at its end and returns
     * once the position is known, so no reply sent from now on can be missed. The partition is
     * assigned by number: metadata of a topic created a moment ago may not list it yet. Call
     * {@link #run()} on a thread afterwards.
     */
    public static ReplyListener assignedTo(Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition, timeout);
        return new ReplyListener(consumer);
    }

    /** Registers a request; the future completes when its reply arrives. */
    public CompletableFuture<Reply> expect(String correlationId) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        pending.put(correlationId, reply);
        reply.whenComplete((r, e) -> pending.remove(correlationId));
        return reply;
    }

    /** Requests waiting for their reply. */
    public int pending() {
        return pending.size();
    }

    /** False once the listener stopped or died: no reply can arrive any more. */
    public boolean running() {
        return running;
    }

    /** Null while the listener runs or after {@link #stop()}; else why its thread died. */
    public String problem() {
        return problem;
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
                died(e);
                throw e;
            }
        } catch (RuntimeException | Error e) {
            died(e);
            throw e;
        } finally {
            running = false;
            consumer.close();
            // no reply can arrive any more: answer the waiting requests now, not at their timeout
            pending.values().forEach(p -> p.completeExceptionally(new IllegalStateException("the reply listener stopped")));
        }
    }

    private void died(Throwable e) {
        problem = e.toString();
        LOG.error("the reply listener stopped; synchronous requests cannot be answered until a restart", e);
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
