package dev.triage.classifier.worker;

import dev.triage.classifier.Classifier;
import dev.triage.classifier.FailureKind;
import dev.triage.classifier.Labels;
import dev.triage.classifier.RecordRejectedException;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.kafka.DeadLetter;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.kafka.Topics;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.lifecycle.Failures;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.ErrorReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Takes one conversation record to its outputs: the result (plus the reply of a synchronous
 * request), or for a record-caused failure its dead letter (plus an error reply). The future
 * completes when Kafka acknowledged every output; it fails only when the record must be tried
 * again later, never for the record's own fault: the worker decides what the failure means
 * ({@link dev.triage.classifier.FailureKind}) and may then {@link #replyUnavailable tell a
 * synchronous caller} or {@link #giveUp give up} on the record.
 *
 * <p>Counts, once Kafka acknowledged them: {@code triage.classifier.records.classified},
 * {@code triage.classifier.labels} (tags {@code kind}: intent, topic or sentiment, and {@code label}:
 * each result once per kind, so a dashboard can show classifications per second by label without
 * the intent × topic × sentiment product of series), {@code triage.classifier.records.dead.lettered}
 * (tag {@code code}: the error code) and {@code triage.classifier.replies.sent} (tag {@code type}: {@code result}, {@code error} for a
 * dead-lettered record, {@code unavailable} for each outage reply, repeats included).
 */
public final class RecordProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(RecordProcessor.class);
    static final String STAGE = "classifier";

    private final Producer<byte[], byte[]> producer;
    private final Classifier classifier;
    private final Topics topics;
    private final Clock clock;
    private final Counter classifiedCount;
    private final Map<ErrorCode, Counter> deadLetterCounts = new EnumMap<>(ErrorCode.class);
    private final Counter resultReplies;
    private final Counter errorReplies;
    private final Counter unavailableReplies;
    private final MeterRegistry registry;

    public RecordProcessor(Producer<byte[], byte[]> producer, Classifier classifier, Topics topics, Clock clock,
                           MeterRegistry registry) {
        this.producer = producer;
        this.classifier = classifier;
        this.topics = topics;
        this.clock = clock;
        this.registry = registry;
        this.classifiedCount = Counter.builder("triage.classifier.records.classified")
                .description("Records classified, their result acknowledged by Kafka").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            deadLetterCounts.put(code, Counter.builder("triage.classifier.records.dead.lettered").tag("code", code.name())
                    .description("Records dead-lettered, by error code").register(registry));
        }
        this.resultReplies = replies(registry, "result");
        this.errorReplies = replies(registry, "error");
        this.unavailableReplies = replies(registry, "unavailable");
    }

    /** A result or dead letter, and the reply of a synchronous request if it gets one. */
    private record Outputs(ProducerRecord<byte[], byte[]> output, Optional<ProducerRecord<byte[], byte[]>> reply) {
    }

    /**
     * Completes, once the outputs are acknowledged, with whether the model server answered this
     * record (a result, an answer that never validated, a refusal): evidence that the server works,
     * which a record rejected before any call (malformed, too large) is not.
     */
    public CompletableFuture<Boolean> process(ConsumerRecord<byte[], byte[]> record) {
        ConversationEnvelope conversation;
        try {
            conversation = EnvelopeValidator.validate(Json.decode(record.value(), ConversationEnvelope.class));
        } catch (PayloadException e) {
            RecordRejectedException why = new RecordRejectedException(ErrorCode.INVALID_PAYLOAD, e.getMessage(),
                    0, null, 0, null);
            return send(deadLetter(record, why, e), deadLetterCounts.get(why.code()), errorReplies).thenApply(v -> false);
        }
        return classifier.classify(conversation).handle((labels, error) -> {
            if (error == null) {
                return send(results(record, conversation, labels), classifiedCount, resultReplies)
                        .thenRun(() -> countLabels(labels.classification())).thenApply(v -> true);
            }
            Throwable cause = Failures.cause(error);
            if (cause instanceof RecordRejectedException rejected) {
                return send(deadLetter(record, rejected, rejected), deadLetterCounts.get(rejected.code()), errorReplies)
                        .thenApply(v -> rejected.httpStatus() > 0);
            }
            return CompletableFuture.<Boolean>failedFuture(cause);
        }).thenCompose(sent -> sent);
    }

    /** See {@link Classifier#probe()}. */
    public CompletableFuture<Void> probe() {
        return classifier.probe();
    }

    /**
     * Dead-letters a record whose model calls kept failing while the server answered others, as
     * {@code LLM_FAILED} with its last failure; completes when Kafka acknowledged it (and its reply).
     */
    public CompletableFuture<Boolean> giveUp(ConsumerRecord<byte[], byte[]> record, Throwable lastFailure, int tries) {
        RecordRejectedException why = new RecordRejectedException(ErrorCode.LLM_FAILED, "the model server failed this"
                + " conversation " + tries + " times while answering others; last: " + lastFailure.getMessage(), tries,
                classifier.model(), FailureKind.httpStatus(lastFailure), null);
        return send(deadLetter(record, why, why), deadLetterCounts.get(why.code()), errorReplies).thenApply(v -> false);
    }

    /**
     * Tells a synchronous caller at once that the model server is away, instead of leaving it to
     * wait out the outage until its deadline. The record itself goes back to the queue, so this is
     * sent again each time it fails before that deadline; the gateway answers the first and drops
     * the rest. Not waited for: Kafka may be what is away. The cause stays in the classifier's log:
     * it names the model server's address, which is none of the caller's business.
     */
    public void replyUnavailable(ConsumerRecord<byte[], byte[]> record) {
        ErrorReply reply = new ErrorReply(ErrorReply.MODEL_UNAVAILABLE,
                "the model server is not answering (down, overloaded, or failing too often to be called)");
        Replies.to(record, reply, reply.code(), clock.instant()).ifPresent(r -> send(r).whenComplete((sent, error) -> {
            if (error == null) {
                unavailableReplies.increment();
            } else {
                LOG.debug("cannot send the model-unavailable reply for {}: {}", record.offset(), error.toString());
            }
        }));
    }

    private Outputs results(ConsumerRecord<byte[], byte[]> record, ConversationEnvelope conversation, Labels labels) {
        ClassificationResult result = new ClassificationResult(ClassificationResult.VERSION, conversation.id(),
                conversation.idType(), conversation.source(), labels.classification(), labels.model(),
                classifier.taxonomyVersion(), labels.attempts(), labels.latencyMs(), labels.tokens(), clock.instant(),
                labels.provenance());
        return new Outputs(new ProducerRecord<>(topics.classifications(), record.key(), Json.encode(result)),
                Replies.to(record, result, null, clock.instant()));
    }

    private Outputs deadLetter(ConsumerRecord<byte[], byte[]> record, RecordRejectedException why, Throwable error) {
        // the gateway's request id, so this line can be found from the HTTP response's X-Request-Id
        String correlationId = TriageHeaders.get(record.headers(), TriageHeaders.CORRELATION_ID);
        try (MDC.MDCCloseable request = correlationId == null ? null : MDC.putCloseable("correlation_id", correlationId)) {
            LOG.warn("dead-lettering {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(), why.code(),
                    why.getMessage());
        }
        ProducerRecord<byte[], byte[]> deadLetter = DeadLetter.withLlm(DeadLetter.of(record, topics.deadLetter(), STAGE,
                why.code(), error, Math.max(1, why.attempts()), clock.instant()), why.model(), why.httpStatus(),
                why.llmOutput());
        ErrorReply reply = new ErrorReply(why.code().name(), why.getMessage());
        return new Outputs(deadLetter, Replies.to(record, reply, reply.code(), clock.instant()));
    }

    /** Sends the outputs; once all are acknowledged, counts the record in {@code sent}, its reply in {@code replied}. */
    private CompletableFuture<Void> send(Outputs outputs, Counter sent, Counter replied) {
        CompletableFuture<Void> output = send(outputs.output());
        if (outputs.reply().isEmpty()) {
            return output.thenRun(sent::increment);
        }
        return CompletableFuture.allOf(output, send(outputs.reply().get())).thenRun(() -> {
            sent.increment();
            replied.increment();
        });
    }

    private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> output) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        try {
            producer.send(output, (metadata, error) -> {
                if (error == null) {
                    ack.complete(null);
                } else {
                    ack.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            ack.completeExceptionally(e);
        }
        return ack;
    }

    /** Counts an acknowledged result under each of its three labels. */
    private void countLabels(Classification classification) {
        labelCount("intent", classification.intent()).increment();
        labelCount("topic", classification.topic()).increment();
        labelCount("sentiment", classification.sentiment()).increment();
    }

    /** Labels come from the taxonomy (validated answers), so the series stay as few as its labels. */
    private Counter labelCount(String kind, String label) {
        return Counter.builder("triage.classifier.labels").tag("kind", kind).tag("label", label)
                .description("Results acknowledged by Kafka, once per kind of label, by label").register(registry);
    }

    private static Counter replies(MeterRegistry registry, String type) {
        return Counter.builder("triage.classifier.replies.sent").tag("type", type)
                .description("Replies to synchronous requests, acknowledged by Kafka").register(registry);
    }
}
