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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The classifier's attempt logic with a scripted client (no server). */
class LlmClassifierTest {

    private static final String VALID = "{\"intent\": \"refund_request\", \"topic\": \"billing\", \"sentiment\": \"negative\"}";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<List<ChatMessage>> asked = new ArrayList<>();
    private final Deque<Object> script = new ArrayDeque<>();

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
        script.add(new LlmRejectedException("context too long", 400));
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

    private LlmClassifier classifier(int maxAttempts, int maxChars) {
        LlmClient client = new LlmClient() {
            @Override
            public String model() {
                return "scripted";
            }

            @Override
            public CompletableFuture<LlmAnswer> chat(List<ChatMessage> messages, ObjectNode schema) {
                asked.add(messages);
                Object next = script.poll();
                return next instanceof LlmAnswer a ? CompletableFuture.completedFuture(a)
                        : CompletableFuture.failedFuture((Throwable) next);
            }
        };
        LlmPolicy policy = new LlmPolicy("test", new LlmPolicy.Settings(1, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)), scheduler, () -> 0.0);
        return new LlmClassifier(client, policy, new AnswerSchema(Taxonomy.defaults()), new Prompt(Taxonomy.defaults(), 8000),
                maxAttempts, maxChars, System::nanoTime);
    }

    private static ConversationEnvelope conversation(String text) {
        return ConversationEnvelope.of("1", IdType.STRING, Source.API, List.of(new Message("customer", text)), Map.of(),
                Instant.now());
    }
}
