package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.classifier.Classifier;
import dev.triage.classifier.Failures;
import dev.triage.classifier.Labels;
import dev.triage.classifier.RecordRejectedException;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult.Tokens;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Message;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Classifies with a model: builds the prompt, calls the server under the {@link LlmPolicy},
 * validates the answer against the taxonomy and, while it is invalid, asks again with the problem
 * stated, up to {@code maxAttempts} answers; then the record is rejected as {@code LLM_BAD_OUTPUT}
 * with the last raw answer. Transient failures that outlast the policy fail the future as they
 * are: the worker waits them out.
 */
public final class LlmClassifier implements Classifier {

    private final LlmClient client;
    private final LlmPolicy policy;
    private final AnswerSchema answers;
    private final ObjectNode schema;
    private final Prompt prompt;
    private final int maxAttempts;
    private final int maxConversationChars;
    private final LongSupplier nanoTime;

    public LlmClassifier(LlmClient client, LlmPolicy policy, AnswerSchema answers, Prompt prompt, int maxAttempts,
                         int maxConversationChars, LongSupplier nanoTime) {
        this.client = client;
        this.policy = policy;
        this.answers = answers;
        this.schema = answers.schema();
        this.prompt = prompt;
        this.maxAttempts = maxAttempts;
        this.maxConversationChars = maxConversationChars;
        this.nanoTime = nanoTime;
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
        long chars = conversation.messages().stream().map(Message::text).mapToLong(String::length).sum();
        if (chars > maxConversationChars) {
            return CompletableFuture.failedFuture(new RecordRejectedException(ErrorCode.CONVERSATION_TOO_LARGE,
                    "conversation has " + chars + " characters, more than CONVERSATION_MAX_CHARS="
                            + maxConversationChars, 0, null, 0, null));
        }
        return attempt(prompt.build(conversation.messages()), 1, 0, null);
    }

    private CompletableFuture<Labels> attempt(List<ChatMessage> messages, int n, long latencyMs, Tokens tokens) {
        long started = nanoTime.getAsLong();
        return policy.<LlmAnswer>call(() -> client.chat(messages, schema))
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(rejectedOrAsIs(Failures.cause(error), n)))
                .thenCompose(answer -> {
                    long latency = latencyMs + (nanoTime.getAsLong() - started) / 1_000_000;
                    Tokens total = add(tokens, answer.tokens());
                    try {
                        Classification labels = answers.validate(answer.content());
                        return CompletableFuture.completedFuture(new Labels(labels, n, latency, total));
                    } catch (AnswerSchema.InvalidAnswerException invalid) {
                        if (n >= maxAttempts) {
                            return CompletableFuture.failedFuture(new RecordRejectedException(ErrorCode.LLM_BAD_OUTPUT,
                                    "no valid answer in " + n + " attempts, last: " + invalid.getMessage(), n,
                                    client.model(), answer.httpStatus(), answer.content()));
                        }
                        return attempt(prompt.correction(messages, answer.content(), invalid.getMessage()), n + 1,
                                latency, total);
                    }
                });
    }

    private Throwable rejectedOrAsIs(Throwable cause, int n) {
        if (cause instanceof LlmRejectedException rejected) {
            return new RecordRejectedException(ErrorCode.LLM_REJECTED, rejected.getMessage(), n - 1, client.model(),
                    rejected.httpStatus(), null);
        }
        return cause;
    }

    private static Tokens add(Tokens a, Tokens b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new Tokens(a.prompt() + b.prompt(), a.completion() + b.completion());
    }
}
