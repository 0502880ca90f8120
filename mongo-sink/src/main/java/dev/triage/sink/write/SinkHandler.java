package dev.triage.sink.write;

import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.kafka.BatchLoop;
import dev.triage.core.kafka.DeadLetter;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.StatCount;
import dev.triage.core.mongo.QueryIds;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Decodes a batch of results and writes them with the {@link ResultWriter}; a record that is not
 * a valid result, or whose write MongoDB refuses for a reason of its own ({@code WRITE_REJECTED}),
 * is dead-lettered with stage {@code sink} and its query marked failed; only an outage fails the
 * batch (and {@link BatchLoop} retries it). Records of the dead-letter topic mark their queries failed;
 * records of the stats topic update the stats collection. Returns only when MongoDB and Kafka acknowledged everything.
 * The MongoDB writes are timed and counted by {@link SinkMetrics}.
 */
public final class SinkHandler implements BatchLoop.BatchHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SinkHandler.class);
    private static final String STAGE = "sink";

    private final ResultWriter writer;
    private final StatsWriter statsWriter;
    private final String statsTopic;
    private final Producer<byte[], byte[]> producer;
    private final String deadLetterTopic;
    private final Duration writeTimeout;
    private final Clock clock;
    private final SinkMetrics metrics;

    public SinkHandler(ResultWriter writer, StatsWriter statsWriter, String statsTopic, Producer<byte[], byte[]> producer,
                       String deadLetterTopic, Duration writeTimeout, Clock clock, SinkMetrics metrics) {
        this.writer = writer;
        this.statsWriter = statsWriter;
        this.statsTopic = statsTopic;
        this.producer = producer;
        this.deadLetterTopic = deadLetterTopic;
        this.writeTimeout = writeTimeout;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void handle(ConsumerRecords<byte[], byte[]> batch) throws Exception {
        List<ClassificationResult> results = new ArrayList<>();
        Map<ClassificationResult, ConsumerRecord<byte[], byte[]>> origins = new IdentityHashMap<>();
        List<ResultWriter.Failure> failures = new ArrayList<>();
        List<StatCount> counts = new ArrayList<>();
        // sent only once MongoDB took the batch: a batch retried through an outage must not dead-letter twice
        List<Outgoing> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (record.topic().equals(deadLetterTopic)) {
                failureOf(record).ifPresent(failures::add);
            } else if (record.topic().equals(statsTopic)) {
                statOf(record).ifPresent(counts::add);
            } else {
                resultOf(record, deadLetters).ifPresent(r -> {
                    results.add(r);
                    origins.put(r, record);
                });
            }
        }
        metrics.write(batch.count(), () -> {
            List<ResultWriter.Rejected> rejected = writer.write(results).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            for (ResultWriter.Rejected r : rejected) {
                ConsumerRecord<byte[], byte[]> record = origins.get(r.result());
                deadLetters.add(deadLetter(record, ErrorCode.WRITE_REJECTED, r.error()));
                failures.add(new ResultWriter.Failure(r.result().id(), r.result().idType(), r.result().source(),
                        ErrorCode.WRITE_REJECTED.name(), r.error().getMessage()));
            }
            int marked = writer.markFailed(failures).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            statsWriter.write(counts).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new SinkMetrics.Written(results.size() - rejected.size(), marked);
        });
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Outgoing deadLetter : deadLetters) {
            sent.add(producer.send(deadLetter.record()));
        }
        for (Future<RecordMetadata> acknowledged : sent) {
            acknowledged.get();
        }
        deadLetters.forEach(deadLetter -> metrics.deadLettered(deadLetter.code()));
    }

    /** The result in {@code record}; a record that is none, or names no possible query id, is dead-lettered. */
    private Optional<ClassificationResult> resultOf(ConsumerRecord<byte[], byte[]> record,
                                                    List<Outgoing> deadLetters) {
        try {
            ClassificationResult result = Json.decode(record.value(), ClassificationResult.class);
            requireValidId(result.id(), result.idType());
            return Optional.of(result);
        } catch (PayloadException e) {
            deadLetters.add(deadLetter(record, ErrorCode.INVALID_PAYLOAD, e));
            return Optional.empty();
        }
    }

    /** A dead letter to send, with its code (for the count once Kafka acknowledged it). */
    private record Outgoing(ProducerRecord<byte[], byte[]> record, ErrorCode code) {
    }

    private Outgoing deadLetter(ConsumerRecord<byte[], byte[]> record, ErrorCode code, Exception error) {
        LOG.warn("dead-lettering {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(), code,
                error.getMessage());
        return new Outgoing(DeadLetter.of(record, deadLetterTopic, STAGE, code, error, 1, clock.instant()), code);
    }

    /**
     * Checks that {@code id} can be a query's {@code _id} of type {@code type} (an object_id must be
     * 24 hex digits...): a record that names none cannot be written, whatever the retries.
     */
    private static void requireValidId(String id, IdType type) {
        try {
            QueryIds.toBson(id, type);
        } catch (IllegalArgumentException e) {
            throw new PayloadException("id '" + id + "' is not a valid " + type.name().toLowerCase(Locale.ROOT) + ": "
                    + e.getMessage(), e);
        }
    }

    private static Optional<StatCount> statOf(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Optional.of(Json.decode(record.value(), StatCount.class));
        } catch (PayloadException e) {
            LOG.warn("skipping an unreadable statistics record: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The conversation behind a dead letter; dead letters whose value is not a conversation (the
     * sink's own, foreign garbage) name none and are skipped.
     */
    private static Optional<ResultWriter.Failure> failureOf(ConsumerRecord<byte[], byte[]> deadLetter) {
        if (TriageHeaders.get(deadLetter.headers(), TriageHeaders.KEPT) != null) {
            return Optional.empty(); // put back by replay-dlq: the original marked its query already
        }
        ConversationEnvelope conversation;
        try {
            conversation = Json.decode(deadLetter.value(), ConversationEnvelope.class);
        } catch (PayloadException e) {
            return Optional.empty();
        }
        try {
            requireValidId(conversation.id(), conversation.idType());
        } catch (PayloadException e) {
            LOG.warn("a dead letter names no query to mark failed: {}", e.getMessage());
            return Optional.empty();
        }
        String code = TriageHeaders.get(deadLetter.headers(), TriageHeaders.ERROR_CODE);
        String message = TriageHeaders.get(deadLetter.headers(), TriageHeaders.ERROR_MESSAGE);
        return Optional.of(new ResultWriter.Failure(conversation.id(), conversation.idType(), conversation.source(),
                code, message));
    }
}
