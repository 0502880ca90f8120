package dev.triage.classifier.worker;

import dev.triage.classifier.Classifier;
import dev.triage.classifier.Failures;
import dev.triage.classifier.Labels;
import dev.triage.classifier.RecordRejectedException;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.kafka.DeadLetter;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.ErrorReply;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Takes one conversation record to its outputs: the result (plus the reply of a synchronous
 * request), or for a record-caused failure its dead letter (plus an error reply). The future
 * completes when Kafka acknowledged every output; it fails only when the record must be tried
 * again later (the model server or Kafka is away), never for the record's own fault.
 */
public final class RecordProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(RecordProcessor.class);
    static final String STAGE = "classifier";

    private final Producer<byte[], byte[]> producer;
    private final Classifier classifier;
    private final Topics topics;
    private final Clock clock;

    public RecordProcessor(Producer<byte[], byte[]> producer, Classifier classifier, Topics topics, Clock clock) {
        this.producer = producer;
        this.classifier = classifier;
        this.topics = topics;
        this.clock = clock;
    }

    /**
     * @param classified run once the model is done with this record (before its outputs are sent),
     *                   so the caller can let the next record use the model
     */
    public CompletableFuture<Void> process(ConsumerRecord<byte[], byte[]> record, Runnable classified) {
        ConversationEnvelope conversation;
        try {
            conversation = EnvelopeValidator.validate(Json.decode(record.value(), ConversationEnvelope.class));
        } catch (PayloadException e) {
            classified.run();
            return send(deadLetter(record, new RecordRejectedException(ErrorCode.INVALID_PAYLOAD, e.getMessage(),
                    0, null, 0, null), e));
        }
        return classifier.classify(conversation).handle((labels, error) -> {
            classified.run();
            if (error == null) {
                return send(results(record, conversation, labels));
            }
            Throwable cause = Failures.cause(error);
            if (cause instanceof RecordRejectedException rejected) {
                return send(deadLetter(record, rejected, rejected));
            }
            return CompletableFuture.<Void>failedFuture(cause);
        }).thenCompose(sent -> sent);
    }

    private List<ProducerRecord<byte[], byte[]>> results(ConsumerRecord<byte[], byte[]> record,
                                                         ConversationEnvelope conversation, Labels labels) {
        ClassificationResult result = new ClassificationResult(ClassificationResult.VERSION, conversation.id(),
                conversation.idType(), conversation.source(), labels.classification(), classifier.model(),
                classifier.taxonomyVersion(), labels.attempts(), labels.latencyMs(), labels.tokens(), clock.instant());
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        outputs.add(new ProducerRecord<>(topics.classifications(), record.key(), Json.encode(result)));
        Replies.to(record, result, null, clock.instant()).ifPresent(outputs::add);
        return outputs;
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(ConsumerRecord<byte[], byte[]> record,
                                                            RecordRejectedException why, Throwable error) {
        LOG.warn("dead-lettering {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(), why.code(),
                why.getMessage());
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        outputs.add(DeadLetter.withLlm(DeadLetter.of(record, topics.deadLetter(), STAGE, why.code(), error,
                Math.max(1, why.attempts()), clock.instant()), why.model(), why.httpStatus(), why.llmOutput()));
        ErrorReply reply = new ErrorReply(why.code().name(), why.getMessage());
        Replies.to(record, reply, reply.code(), clock.instant()).ifPresent(outputs::add);
        return outputs;
    }

    private CompletableFuture<Void> send(List<ProducerRecord<byte[], byte[]>> outputs) {
        CompletableFuture<?>[] acks = new CompletableFuture<?>[outputs.size()];
        for (int i = 0; i < outputs.size(); i++) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks[i] = ack;
            try {
                producer.send(outputs.get(i), (metadata, error) -> {
                    if (error == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(error);
                    }
                });
            } catch (RuntimeException e) {
                ack.completeExceptionally(e);
            }
        }
        return CompletableFuture.allOf(acks);
    }
}
