package dev.triage.classifier.learned;

import dev.triage.classifier.Labels;
import dev.triage.classifier.llm.LlmSettings;
import dev.triage.classifier.llm.Providers;
import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Provenance;
import dev.triage.core.model.Source;
import dev.triage.core.taxonomy.Taxonomy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The learned classifier with the real ONNX sentence encoder, trained on the built-in examples (once
 * for the class: training is memoised per examples) and on small files the test writes.
 */
class LearnedClassifierIT {

    @TempDir
    static Path dir;
    static LearnedClassifier defaults;

    @BeforeAll
    static void train() {
        defaults = Providers.learned(settings(Map.of()));
    }

    @AfterAll
    static void close() {
        defaults.close();
    }

    @Test
    void obviousConversationsGetTheirIntentWithAConfidencePerKind() {
        Map<String, String> expected = Map.of(
                "I was charged for an order that never arrived. I want a full refund of the 49.99 right now, this is unacceptable.",
                "refund_request",
                "Just wanted to say thank you! Priya on your chat sorted my problem in five minutes. Brilliant service.",
                "feedback",
                "Please cancel my subscription and make sure I am not charged again next month.",
                "cancellation");

        expected.forEach((text, intent) -> {
            Labels labels = defaults.classify(conversation(new Message("customer", text))).join();
            System.out.printf("learned: %s -> %s %s%n", text, labels.classification(), labels.provenance().confidence());

            assertThat(labels.classification().intent()).as(text).isEqualTo(intent);
            assertThat(labels.model()).isEqualTo(LearnedClassifier.MODEL);
            assertThat(labels.provenance().tier()).isEqualTo(Provenance.LEARNED);
            assertThat(labels.provenance().cached()).isFalse();
            assertThat(labels.provenance().confidence()).containsOnlyKeys(LabelledConversation.KINDS)
                    .allSatisfy((kind, p) -> assertThat(p).as(kind).isGreaterThan(0.0).isLessThanOrEqualTo(1.0));
        });
        assertThat(defaults.taxonomyVersion()).isEqualTo("support-v1");
    }

    @Test
    void theNearestExamplesComeMostSimilarFirstAndAnExactCopyIsFirst() {
        List<LabelledConversation> examples = LabelledFile.readResource(LearnedModels.DEFAULT_EXAMPLES, Taxonomy.defaults());
        LabelledConversation copied = examples.get(1); // a chat of four turns, two of them the customer's
        LearnedModel model = defaults.learnedModel();
        float[] query = model.predict(copied.messages()).embedding();

        List<LabelledConversation> nearest = model.nearest(query, 3);

        assertThat(model.exampleCount()).isEqualTo(examples.size());
        assertThat(nearest).hasSize(3);
        assertThat(nearest.get(0).id()).isEqualTo(copied.id());
        double previous = Double.POSITIVE_INFINITY;
        for (LabelledConversation e : nearest) {
            double similarity = dot(query, model.predict(e.messages()).embedding());
            assertThat(similarity).isLessThanOrEqualTo(previous + 1e-6);
            previous = similarity;
        }
        assertThat(dot(query, model.predict(nearest.get(0).messages()).embedding())).isGreaterThan(0.999);
    }

    @Test
    void trainingIsDoneOncePerExamples() {
        try (LearnedClassifier again = Providers.learned(settings(Map.of()))) {
            assertThat(again.learnedModel()).isSameAs(defaults.learnedModel());
        }
    }

    @Test
    void aCustomTaxonomyWithItsExamplesAnswersOnlyItsOwnLabels() throws IOException {
        Path taxonomy = Files.writeString(dir.resolve("tiny.yaml"), """
                version: tiny-v1
                intents:
                  - {name: greeting, description: says hello}
                  - {name: money_back, description: wants money back}
                topics:
                  - {name: general, description: anything}
                sentiments:
                  - {name: glad, description: happy}
                  - {name: upset, description: unhappy}
                """);
        Path examples = Files.writeString(dir.resolve("tiny.jsonl"), String.join("\n",
                example("Hello there, good morning to you!", "greeting", "glad"),
                example("Hi! Lovely to meet you, hope you are well.", "greeting", "glad"),
                example("Hey, hello. This chat took forever to open, annoying.", "greeting", "upset"),
                example("I want my money back. Refund me now, this product is rubbish.", "money_back", "upset"),
                example("Please return my payment, the item was faulty and I am furious.", "money_back", "upset"),
                example("Could I get a refund? No rush, thanks so much for your help!", "money_back", "glad")));

        try (LearnedClassifier tiny = Providers.learned(settings(Map.of("TAXONOMY_FILE", taxonomy.toString(),
                "EXAMPLES_FILE", examples.toString())))) {
            assertThat(tiny.taxonomyVersion()).isEqualTo("tiny-v1");
            assertThat(tiny.learnedModel().exampleCount()).isEqualTo(6);
            Labels hello = tiny.classify(conversation(new Message("customer", "Good morning, hello!"))).join();
            Labels refund = tiny.classify(conversation(new Message("customer", "Give me a refund, I want my money back"))).join();
            Labels unrelated = tiny.classify(conversation(new Message("customer", "My password reset email never arrives"))).join();

            assertThat(hello.classification().intent()).isEqualTo("greeting");
            assertThat(refund.classification().intent()).isEqualTo("money_back");
            for (Labels l : List.of(hello, refund, unrelated)) {
                assertThat(l.classification().intent()).isIn("greeting", "money_back");
                assertThat(l.classification().topic()).isEqualTo("general");
                assertThat(l.classification().sentiment()).isIn("glad", "upset");
                // a kind with a single label is certain
                assertThat(l.provenance().confidence()).containsEntry("topic", 1.0);
            }
        }
    }

    @Test
    void aCustomTaxonomyWithoutExamplesIsAConfigurationErrorNamingExamplesFile() throws IOException {
        Path taxonomy = Files.writeString(dir.resolve("bare.json"), """
                {"version": "bare-v1", "intents": [{"name": "a", "description": "a"}, {"name": "b", "description": "b"}],
                 "topics": [{"name": "t", "description": "t"}], "sentiments": [{"name": "s", "description": "s"}]}""");

        assertThatThrownBy(() -> Providers.learned(settings(Map.of("TAXONOMY_FILE", taxonomy.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EXAMPLES_FILE")
                .hasMessageContaining("bare-v1");
    }

    @Test
    void replacingTheExamplesWithOnesOfASingleSentimentIsAConfigurationError() throws IOException {
        Path examples = Files.writeString(dir.resolve("neutral-only.jsonl"), String.join("\n",
                example("Where is my parcel?", "information_request", "delivery", "neutral"),
                example("Please close my account.", "cancellation", "account", "neutral"),
                example("What time does the parcel come?", "information_request", "delivery", "neutral"),
                example("Cancel the account, please.", "cancellation", "account", "neutral")));

        assertThatThrownBy(() -> Providers.learned(settings(Map.of("EXAMPLES_FILE", examples.toString(),
                "EXAMPLES_MODE", "replace"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sentiment")
                .hasMessageContaining("[neutral]");
    }

    @Test
    void replacingTheExamplesWithNoFileIsAConfigurationErrorNamingExamplesFile() {
        assertThatThrownBy(() -> Providers.learned(settings(Map.of("EXAMPLES_MODE", "replace"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EXAMPLES_MODE=replace")
                .hasMessageContaining("EXAMPLES_FILE");
    }

    /** Not a test of speed (nothing is asserted): the number goes into the operations docs. */
    @Test
    void cpuTimePerClassificationIsMeasured() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<ConversationEnvelope> conversations = new ArrayList<>();
        String[] texts = {"Where is my parcel? It was due on Monday and tracking has not moved.",
                "I want a refund for the broken blender, order 7781.",
                "How do I change the delivery address on my account?",
                "The app logs me out every time I open the basket, very frustrating.",
                "Thanks, that fixed it!"};
        for (int i = 0; i < 200; i++) {
            conversations.add(conversation(new Message("customer", texts[i % texts.length] + " (ref " + i + ")")));
        }
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();

        List<CompletableFuture<Labels>> answers = conversations.stream().map(defaults::classify).toList();
        answers.forEach(CompletableFuture::join);

        double cpuMs = (os.getProcessCpuTime() - cpuBefore) / 1e6;
        double wallMs = (System.nanoTime() - wallBefore) / 1e6;
        System.out.printf("learned classifier: 200 classifications, process CPU %.0f ms (%.2f ms each), wall %.0f ms "
                + "(%.2f ms each), %d cores%n", cpuMs, cpuMs / 200, wallMs, wallMs / 200, Runtime.getRuntime().availableProcessors());
        assertThat(answers).allSatisfy(a -> assertThat(a.join().provenance().tier()).isEqualTo(Provenance.LEARNED));
    }

    static LlmSettings settings(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("LLM_PROVIDER", "offline"));
        env.putAll(extra);
        return LlmSettings.fromEnv(new Env(env));
    }

    static ConversationEnvelope conversation(Message... messages) {
        return ConversationEnvelope.of("c", IdType.STRING, Source.API, List.of(messages), Map.of(), java.time.Instant.now());
    }

    private static String example(String text, String intent, String sentiment) {
        return "{\"messages\": [{\"sender\": \"customer\", \"text\": \"" + text + "\"}], \"expected\": {\"intent\": \""
                + intent + "\", \"sentiment\": \"" + sentiment + "\"}}";
    }

    private static String example(String text, String intent, String topic, String sentiment) {
        return "{\"messages\": [{\"sender\": \"customer\", \"text\": \"" + text + "\"}], \"expected\": {\"intent\": \""
                + intent + "\", \"topic\": \"" + topic + "\", \"sentiment\": \"" + sentiment + "\"}}";
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
