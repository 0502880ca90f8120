package dev.triage.sink.write;

import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.kafka.BatchLoop;
import dev.triage.core.kafka.DeadLetter;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.StatCount;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Decodes a batch of results and writes them with the {@link ResultWriter}; a record that is not
 * a valid result is dead-lettered. Records of the dead-letter topic mark their queries failed;
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
        List<ResultWriter.Failure> failures = new ArrayList<>();
        List<StatCount> counts = new ArrayList<>();
        List<Future<RecordMetadata>> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (record.topic().equals(deadLetterTopic)) {
                failureOf(record).ifPresent(failures::add);
                continue;
            }
            if (record.topic().equals(statsTopic)) {
                statOf(record).ifPresent(counts::add);
                continue;
            }
            try {
                results.add(Json.decode(record.value(), ClassificationResult.class));
            } catch (PayloadException e) {
                LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                deadLetters.add(producer.send(DeadLetter.of(record, deadLetterTopic, STAGE, ErrorCode.INVALID_PAYLOAD,
                        e, 1, clock.instant())));
            }
        }
        metrics.write(batch.count(), () -> {
            writer.write(results).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            int marked = writer.markFailed(failures).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            statsWriter.write(counts).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new SinkMetrics.Written(results.size(), marked);
        });
        for (Future<RecordMetadata> sent : deadLetters) {
            sent.get();
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
        ConversationEnvelope conversation;
        try {
            conversation = Json.decode(deadLetter.value(), ConversationEnvelope.class);
        } catch (PayloadException e) {
            return Optional.empty();
        }
        String code = TriageHeaders.get(deadLetter.headers(), TriageHeaders.ERROR_CODE);
        String message = TriageHeaders.get(deadLetter.headers(), TriageHeaders.ERROR_MESSAGE);
        return Optional.of(new ResultWriter.Failure(conversation.id(), conversation.idType(), conversation.source(),
                code, message));
    }
}
