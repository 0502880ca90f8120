package dev.triage.classifier.learned;

import dev.triage.classifier.CascadeClassifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.classifier.Labels;
import dev.triage.classifier.llm.AnswerSchema;
import dev.triage.classifier.llm.ChatMessage;
import dev.triage.classifier.llm.LlmAnswer;
import dev.triage.classifier.llm.LlmClassifier;
import dev.triage.classifier.llm.LlmClient;
import dev.triage.classifier.llm.LlmHttp;
import dev.triage.classifier.llm.LlmPolicy;
import dev.triage.classifier.llm.OllamaClient;
import dev.triage.classifier.llm.Prompt;
import dev.triage.classifier.llm.Providers;
import dev.triage.core.json.Json;
import dev.triage.core.model.Message;
import dev.triage.core.model.Provenance;
import dev.triage.core.taxonomy.Taxonomy;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LlmSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code LLM_FEW_SHOT=3}: the three built-in examples nearest the conversation reach the model, the
 * nearest first. The model is the simulator over HTTP; a recording client in front of the real
 * Ollama client keeps what was sent.
 */
class FewShotIT {

    LlmSimulator sim;
    ScheduledExecutorService scheduler;
    LearnedClassifier learned;
    final List<List<ChatMessage>> sent = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        sim = LlmSimulator.start(0, new Faults(), List.of("sim-model"), 42);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        learned = Providers.learned(LearnedClassifierIT.settings(Map.of()));
    }

    @AfterEach
    void stop() {
        learned.close();
        scheduler.shutdownNow();
        sim.close();
    }

    @Test
    void theThreeNearestExamplesAreSentNearestFirst() {
        List<LabelledConversation> examples = LabelledFile.readResource(LearnedModels.DEFAULT_EXAMPLES, Taxonomy.defaults());
        LabelledConversation copied = examples.get(2);
        CascadeClassifier cascade = new CascadeClassifier(learned, llm(), null, 3);

        Labels labels = cascade.classify(LearnedClassifierIT.conversation(copied.messages().toArray(Message[]::new))).join();

        assertThat(labels.provenance().tier()).isEqualTo(Provenance.LLM);
        assertThat(sim.requests()).isEqualTo(1);
        assertThat(sent).hasSize(1);
        String user = sent.get(0).get(1).content();
        JsonNode shots = shots(user);
        assertThat(shots).hasSize(3);
        assertThat(texts(shots.get(0).path("conversation"))).isEqualTo(copied.messages().stream().map(Message::text).toList());
        assertThat(shots.get(0).path("labels").path("intent").asText()).isEqualTo(copied.expected().get("intent"));
        assertThat(shots.get(0).path("labels").path("sentiment").asText()).isEqualTo(copied.expected().get("sentiment"));
        List<LabelledConversation> nearest = learned.learnedModel()
                .nearest(learned.learnedModel().predict(copied.messages()).embedding(), 3);
        for (int i = 0; i < 3; i++) {
            assertThat(texts(shots.get(i).path("conversation")))
                    .isEqualTo(nearest.get(i).messages().stream().map(Message::text).toList());
        }
    }

    @Test
    void withoutFewShotNoExamplesAreSent() {
        CascadeClassifier cascade = new CascadeClassifier(learned, llm(), null, 0);

        cascade.classify(LearnedClassifierIT.conversation(new Message("customer", "Where is my parcel?"))).join();

        assertThat(sent).singleElement().satisfies(chat -> assertThat(chat.get(1).content()).doesNotContain("<examples>"));
    }

    private LlmClassifier llm() {
        OllamaClient ollama = new OllamaClient(new LlmHttp(Duration.ofSeconds(5), Duration.ofSeconds(10)),
                URI.create(sim.url() + "/api/chat"), "sim-model");
        LlmClient recording = new LlmClient() {
            @Override
            public String model() {
                return ollama.model();
            }

            @Override
            public String provider() {
                return ollama.provider();
            }

            @Override
            public CompletableFuture<LlmAnswer> chat(List<ChatMessage> messages, ObjectNode schema) {
                sent.add(messages);
                return ollama.chat(messages, schema);
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LlmPolicy policy = new LlmPolicy("few-shot-it", new LlmPolicy.Settings(1, Duration.ofMillis(50), Duration.ofMillis(50),
                Duration.ofSeconds(10), Duration.ofSeconds(1)), 4, scheduler, () -> 0.0, registry);
        return new LlmClassifier(recording, policy, new AnswerSchema(Taxonomy.defaults()), new Prompt(Taxonomy.defaults(), 8000),
                3, 100_000, System::nanoTime, registry);
    }

    private static JsonNode shots(String user) {
        int start = user.indexOf("<examples>\n");
        int end = user.indexOf("\n</examples>");
        assertThat(start).as(user).isNotNegative();
        return Json.tree(user.substring(start + "<examples>\n".length(), end).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(JsonNode conversation) {
        List<String> texts = new ArrayList<>();
        conversation.forEach(m -> texts.add(m.path("text").asText()));
        return texts;
    }
}
