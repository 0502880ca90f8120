package dev.triage.cli.replay;

import dev.triage.core.kafka.Topics;
import dev.triage.core.kafka.TriageHeaders;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Handles the dead letters one poll at a time: each is replayed to its stage's topic, parked, or
 * (not chosen) put back unchanged at the end of the dead-letter topic, in the same partition.
 * Then it waits for every send to be acknowledged and commits, per partition, up to the first
 * send that failed; a failure ends the run with {@link SendFailedException}. Runs on one thread.
 */
final class Replayer implements DeadLetterReader.ChunkHandler {

    /** What happens to one dead letter. */
    enum Action { REPLAY, PARK, KEEP }

    /** A dead letter sent somewhere, until Kafka acknowledges it. */
    private record Sent(ConsumerRecord<byte[], byte[]> deadLetter, Action action, String topic, Future<RecordMetadata> ack) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final ReplayFilter filter;
    private final Topics topics;
    private final int maxReplays;
    private final Integer limit;
    private final Pacer pacer;
    private final Outcome outcome = new Outcome();

    Replayer(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, ReplayFilter filter, Topics topics,
             int maxReplays, Integer limit, Pacer pacer) {
        this.consumer = consumer;
        this.producer = producer;
        this.filter = filter;
        this.topics = topics;
        this.maxReplays = maxReplays;
        this.limit = limit;
        this.pacer = pacer;
    }

    Outcome outcome() {
        return outcome;
    }

    @Override
    public boolean handle(List<ConsumerRecord<byte[], byte[]>> chunk) throws InterruptedException {
        List<Sent> sent = new ArrayList<>();
        int replays = 0;
        boolean limitReached = false;
        for (ConsumerRecord<byte[], byte[]> deadLetter : chunk) {
            Action action = actionFor(deadLetter);
            if (action == Action.REPLAY && limit != null && outcome.replayed() + replays >= limit) {
                limitReached = true;
                break;
            }
            if (action == Action.REPLAY) {
                pacer.awaitTurn();
                replays++;
            }
            sent.add(send(deadLetter, action));
        }
        producer.flush();
        confirmAndCommit(sent);
        return !limitReached;
    }

    private Action actionFor(ConsumerRecord<byte[], byte[]> deadLetter) {
        if (!filter.matches(deadLetter)) {
            return Action.KEEP;
        }
        return replayCount(deadLetter) >= maxReplays ? Action.PARK : Action.REPLAY;
    }

    /** The same headers, marked kept: the sink does not mark the query failed again (it may be reprocessed by now). */
    private static Headers keptHeaders(ConsumerRecord<byte[], byte[]> dead) {
        Headers headers = new RecordHeaders(dead.headers().toArray());
        TriageHeaders.put(headers, TriageHeaders.KEPT, true);
        return headers;
    }

    private Sent send(ConsumerRecord<byte[], byte[]> dead, Action action) {
        ProducerRecord<byte[], byte[]> record = switch (action) {
            case REPLAY -> new ProducerRecord<>(Stage.of(dead).target(topics), null, dead.key(), dead.value(),
                    replayHeaders(dead, replayCount(dead) + 1));
            case PARK -> new ProducerRecord<>(topics.parked(), null, dead.key(), dead.value(), dead.headers());
            case KEEP -> new ProducerRecord<>(dead.topic(), dead.partition(), dead.key(), dead.value(), keptHeaders(dead));
        };
        return new Sent(dead, action, record.topic(), producer.send(record));
    }

    /**
     * Counts what Kafka acknowledged and commits past it; in a partition, nothing after a failed
     * send is committed (records sent after it may be sent again by the next run).
     */
    private void confirmAndCommit(List<Sent> sent) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        Set<TopicPartition> failedPartitions = new HashSet<>();
        SendFailedException failure = null;
        for (Sent s : sent) {
            TopicPartition partition = new TopicPartition(s.deadLetter().topic(), s.deadLetter().partition());
            if (failedPartitions.contains(partition)) {
                continue;
            }
            try {
                s.ack().get();
                outcome.count(s.action(), s.topic());
                next.put(partition, new OffsetAndMetadata(s.deadLetter().offset() + 1));
            } catch (ExecutionException e) {
                failedPartitions.add(partition);
                if (failure == null) {
                    failure = new SendFailedException(s.deadLetter(), s.topic(), e.getCause());
                }
            }
        }
        if (!next.isEmpty()) {
            consumer.commitSync(next);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The original headers without the dead-letter and reply ones, and the new replay count. */
    private static RecordHeaders replayHeaders(ConsumerRecord<byte[], byte[]> dead, int count) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : dead.headers()) {
            if (!h.key().startsWith("triage-") || h.key().equals(TriageHeaders.REPLAY_COUNT)) {
                headers.add(h);
            }
        }
        TriageHeaders.put(headers, TriageHeaders.REPLAY_COUNT, count);
        return headers;
    }

    private static int replayCount(ConsumerRecord<byte[], byte[]> dead) {
        try {
            String value = TriageHeaders.get(dead.headers(), TriageHeaders.REPLAY_COUNT);
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A dead letter Kafka did not take; the commit stopped before it. */
    static final class SendFailedException extends RuntimeException {
        SendFailedException(ConsumerRecord<byte[], byte[]> deadLetter, String topic, Throwable cause) {
            super("could not send dead letter " + deadLetter.topic() + "-" + deadLetter.partition() + "@"
                    + deadLetter.offset() + " to " + topic + ": " + cause + "; nothing from it on was committed "
                    + "in its partition, so the next run starts there", cause);
        }
    }
}
