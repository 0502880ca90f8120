package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.classifier.Labels;
import dev.triage.classifier.RecordRejectedException;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.model.ClassificationResult.Tokens;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import dev.triage.core.taxonomy.Taxonomy;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The classifier's attempt logic and call timer with a scripted client (no server); each answer takes 250 ms. */
class LlmClassifierTest {

    private static final String VALID = "{\"intent\": \"refund_request\", \"topic\": \"billing\", \"sentiment\": \"negative\"}";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<List<ChatMessage>> asked = new ArrayList<>();
    private final Deque<Object> script = new ArrayDeque<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanoTime = new AtomicLong();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void anInvalidAnswerIsReAskedWithTheProblemAndTheTallyAddsUp() {
        script.add(new LlmAnswer("{\"intent\": \"teleport\"}", 200, new Tokens(100, 5)));
        script.add(new LlmAnswer(VALID, 200, new Tokens(120, 10)));

        Labels labels = classifier(3, 1000).classify(conversation("I want my money back")).join();

        assertThat(labels.classification().intent()).isEqualTo("refund_request");
        assertThat(labels.attempts()).isEqualTo(2);
        assertThat(labels.tokens()).isEqualTo(new Tokens(220, 15));
        assertThat(asked.get(1)).hasSize(4);
        assertThat(asked.get(1).get(3).content()).contains("\"intent\" is \"teleport\"");
    }

    @Test
    void answersThatNeverValidateRejectTheRecordWithTheLastOutput() {
        script.add(new LlmAnswer("nope", 200, null));
        script.add(new LlmAnswer("still nope", 200, null));

        assertThatThrownBy(() -> classifier(2, 1000).classify(conversation("hi")).join())
                .cause().isInstanceOfSatisfying(RecordRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LLM_BAD_OUTPUT);
                    assertThat(e.attempts()).isEqualTo(2);
                    assertThat(e.llmOutput()).isEqualTo("still nope");
                    assertThat(e.model()).isEqualTo("scripted");
                    assertThat(e.httpStatus()).isEqualTo(200);
                });
    }

    @Test
    void aServerRefusalIsTheRecordsFaultAndAnOutageIsNot() {
        script.add(new LlmRejectedException("context too long", 400, "maximum context length exceeded"));
        assertThatThrownBy(() -> classifier(3, 1000).classify(conversation("hi")).join())
                .cause().isInstanceOfSatisfying(RecordRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.LLM_REJECTED));

        script.add(new LlmUnavailableException("model not found", 404));
        assertThatThrownBy(() -> classifier(3, 1000).classify(conversation("hi")).join())
                .cause().isInstanceOf(LlmUnavailableException.class);
    }

    @Test
    void tooLargeConversationsAreRejectedWithoutAskingTheModel() {
        assertThatThrownBy(() -> classifier(3, 10).classify(conversation("01234567890")).join())
                .cause().isInstanceOfSatisfying(RecordRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONVERSATION_TOO_LARGE));
        assertThat(asked).isEmpty();
    }

    @Test
    void eachAnswerIsTimedUnderItsOutcome() {
        script.add(new LlmAnswer("{\"intent\": \"teleport\"}", 200, null));
        script.add(new LlmAnswer(VALID, 200, null));

        classifier(3, 1000).classify(conversation("I want my money back")).join();

        assertThat(calls("bad_output").count()).isEqualTo(1);
        assertThat(calls("success").count()).isEqualTo(1);
        assertThat(calls("success").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
        assertThat(calls("rejected").count()).isZero();
    }

    @Test
    void aRefusalIsTimedAsRejectedAndAnOutageAsUnavailableNeitherAsSuccess() {
        script.add(new LlmRejectedException("context too long", 400, "maximum context length exceeded"));
        script.add(new LlmUnavailableException("model not found", 404));
        LlmClassifier classifier = classifier(3, 1000);

        assertThatThrownBy(() -> classifier.classify(conversation("hi")).join()).isNotNull();
        assertThatThrownBy(() -> classifier.classify(conversation("hi")).join()).isNotNull();

        assertThat(calls("rejected").count()).isEqualTo(1);
        assertThat(calls("rejected").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
        assertThat(calls("unavailable").count()).isEqualTo(1);
        assertThat(calls("success").count()).isZero();
        assertThat(calls("bad_output").count()).isZero();
    }

    private Timer calls(String outcome) {
        return registry.get("triage.llm.calls")
                .tags("provider", "scripted-protocol", "model", "scripted", "outcome", outcome).timer();
    }

    private LlmClassifier classifier(int maxAttempts, int maxChars) {
        LlmClient client = new LlmClient() {
            @Override
            public String model() {
                return "scripted";
            }

            @Override
            public String provider() {
                return "scripted-protocol";
            }

            @Override
            public CompletableFuture<LlmAnswer> chat(List<ChatMessage> messages, ObjectNode schema) {
                asked.add(messages);
                nanoTime.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
                Object next = script.poll();
                return next instanceof LlmAnswer a ? CompletableFuture.completedFuture(a)
                        : CompletableFuture.failedFuture((Throwable) next);
            }
        };
        LlmPolicy policy = new LlmPolicy("test", new LlmPolicy.Settings(1, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)), 16, scheduler, () -> 0.0, registry);
        return new LlmClassifier(client, policy, new AnswerSchema(Taxonomy.defaults()), new Prompt(Taxonomy.defaults(), 8000),
                maxAttempts, maxChars, nanoTime::get, registry);
    }

    private static ConversationEnvelope conversation(String text) {
        return ConversationEnvelope.of("1", IdType.STRING, Source.API, List.of(new Message("customer", text)), Map.of(),
                Instant.now());
    }
}
