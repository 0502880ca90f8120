package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.classifier.Classifier;
import dev.triage.classifier.Labels;
import dev.triage.classifier.RecordRejectedException;
import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.lifecycle.Failures;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult.Tokens;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Provenance;
import dev.triage.core.model.Message;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;

/**
 * Classifies with a model: builds the prompt, calls the server under the {@link LlmPolicy},
 * validates the answer against the taxonomy and, while it is invalid, asks again with the problem
 * stated, up to {@code maxAttempts} answers; then the record is rejected as {@code LLM_BAD_OUTPUT}
 * with the last raw answer. Transient failures that outlast the policy fail the future as they
 * are: the worker waits them out.
 *
 * <p>Each answer asked for is timed in {@code triage.llm.calls} (tags {@code provider},
 * {@code model}, {@code outcome}: see {@link LlmOutcome}); its latency includes the policy's
 * retries, which resilience4j's own meters count.
 */
public final class LlmClassifier implements Classifier {

    /** Histogram buckets of the call timer: model answers take from 0.1 s to tens of seconds. */
    private static final Duration[] LATENCY_BUCKETS = LongStream.of(50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
            30_000, 60_000).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    /** A conversation any working model server answers. */
    static final List<Message> PROBE = List.of(new Message("customer", "Hello, where is my order?"));

    private final LlmClient client;
    private final LlmPolicy policy;
    private final AnswerSchema answers;
    private final ObjectNode schema;
    private final Prompt prompt;
    private final int maxAttempts;
    private final int maxConversationChars;
    private final LongSupplier nanoTime;
    private final Map<LlmOutcome, Timer> calls;

    public LlmClassifier(LlmClient client, LlmPolicy policy, AnswerSchema answers, Prompt prompt, int maxAttempts,
                         int maxConversationChars, LongSupplier nanoTime, MeterRegistry registry) {
        this.client = client;
        this.policy = policy;
        this.answers = answers;
        this.schema = answers.schema();
        this.prompt = prompt;
        this.maxAttempts = maxAttempts;
        this.maxConversationChars = maxConversationChars;
        this.nanoTime = nanoTime;
        this.calls = timers(registry, client);
    }

    @Override
    public String model() {
        return client.model();
    }

    @Override
    public String taxonomyVersion() {
        return prompt.taxonomyVersion();
    }

    @Override
    public CompletableFuture<Labels> classify(ConversationEnvelope conversation) {
        return classify(conversation, List.of());
    }

    /** Classifies with {@code examples} (labelled conversations like this one) shown to the model first. */
    public CompletableFuture<Labels> classify(ConversationEnvelope conversation, List<LabelledConversation> examples) {
        long chars = conversation.messages().stream().map(Message::text).mapToLong(String::length).sum();
        if (chars > maxConversationChars) {
            return CompletableFuture.failedFuture(new RecordRejectedException(ErrorCode.CONVERSATION_TOO_LARGE,
                    "conversation has " + chars + " characters, more than CONVERSATION_MAX_CHARS="
                            + maxConversationChars + "; send it shorter (or raise the limit, if the model's context allows)",
                    0, null, 0, null));
        }
        return attempt(prompt.build(conversation.messages(), examples), 1, 0, null);
    }

    /** Asks the model, under the policy, about {@link #PROBE}; any answer will do. */
    @Override
    public CompletableFuture<Void> probe() {
        List<ChatMessage> messages = prompt.build(PROBE, List.of());
        return policy.<LlmAnswer>call(() -> client.chat(messages, schema)).thenApply(answer -> null);
    }

    /** Removes the policy's meters; the call timers stay, they count for the whole process. */
    @Override
    public void close() {
        policy.close();
    }

    private CompletableFuture<Labels> attempt(List<ChatMessage> messages, int n, long latencyMs, Tokens tokens) {
        long started = nanoTime.getAsLong();
        return policy.<LlmAnswer>call(() -> client.chat(messages, schema))
                .exceptionallyCompose(error -> failed(Failures.cause(error), n, started))
                .thenCompose(answer -> answered(messages, answer, n, started, latencyMs, tokens));
    }

    /**
     * Checks answer number {@code n}, asked at {@code started}; an invalid one is asked again with
     * the problem stated while attempts are left. {@code latencyMs} and {@code tokens} are the
     * tally of the attempts before.
     */
    private CompletableFuture<Labels> answered(List<ChatMessage> messages, LlmAnswer answer, int n, long started,
                                               long latencyMs, Tokens tokens) {
        long elapsed = elapsedNanos(started);
        long latency = latencyMs + elapsed / 1_000_000;
        Tokens total = add(tokens, answer.tokens());
        try {
            Classification labels = answers.validate(answer.content());
            calls.get(LlmOutcome.SUCCESS).record(elapsed, TimeUnit.NANOSECONDS);
            return CompletableFuture.completedFuture(new Labels(labels, model(), n, latency, total, Provenance.llm()));
        } catch (AnswerSchema.InvalidAnswerException invalid) {
            calls.get(LlmOutcome.BAD_OUTPUT).record(elapsed, TimeUnit.NANOSECONDS);
            if (n >= maxAttempts) {
                return CompletableFuture.failedFuture(new RecordRejectedException(ErrorCode.LLM_BAD_OUTPUT,
                        "no valid answer in " + n + " attempts, last: " + invalid.getMessage(), n,
                        client.model(), answer.httpStatus(), answer.content()));
            }
            return attempt(prompt.correction(messages, answer.content(), invalid.getMessage()), n + 1, latency, total);
        }
    }

    private <T> CompletableFuture<T> failed(Throwable cause, int n, long started) {
        calls.get(LlmOutcome.of(cause)).record(elapsedNanos(started), TimeUnit.NANOSECONDS);
        return CompletableFuture.failedFuture(rejectedOrAsIs(cause, n));
    }

    private long elapsedNanos(long started) {
        return nanoTime.getAsLong() - started;
    }

    private Throwable rejectedOrAsIs(Throwable cause, int n) {
        if (cause instanceof LlmRejectedException rejected) {
            return new RecordRejectedException(ErrorCode.LLM_REJECTED, rejected.getMessage(), n - 1, client.model(),
                    rejected.httpStatus(), null);
        }
        return cause;
    }

    private static Map<LlmOutcome, Timer> timers(MeterRegistry registry, LlmClient client) {
        Map<LlmOutcome, Timer> timers = new EnumMap<>(LlmOutcome.class);
        for (LlmOutcome outcome : LlmOutcome.values()) {
            timers.put(outcome, Timer.builder("triage.llm.calls")
                    .description("Answers asked of the model (retries included), by how they ended")
                    .tag("provider", client.provider()).tag("model", client.model()).tag("outcome", outcome.tag())
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry));
        }
        return timers;
    }

    private static Tokens add(Tokens a, Tokens b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new Tokens(a.prompt() + b.prompt(), a.completion() + b.completion());
    }
}
