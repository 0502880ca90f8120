package dev.triage.classifier.learned;

import dev.triage.classifier.CascadeClassifier;
import dev.triage.classifier.Classifier;
import dev.triage.classifier.Labels;
import dev.triage.classifier.llm.LlmSettings;
import dev.triage.classifier.llm.Providers;
import dev.triage.core.config.Env;
import dev.triage.core.model.Classification;
import dev.triage.core.model.Message;
import dev.triage.core.model.Provenance;
import dev.triage.core.taxonomy.Taxonomy;
import dev.triage.localstack.llm.CallsLog;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LabelOracle;
import dev.triage.localstack.llm.LlmSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cascade as {@link Providers} wires it, against the LLM simulator over HTTP. The simulator's
 * oracle answers each conversation with labels written in this test that no sensible classifier
 * would give ("thank you" as a refund request about returns), so an LLM answer cannot be mistaken
 * for a learned one.
 */
class CascadeIT {

    /** Customer texts from obvious to vague, so that the learned classifier's confidence varies. */
    private static final List<String> TEXTS = List.of(
            "I want my money back for order 5521, the kettle arrived broken.",
            "Thank you so much, the support team was amazing!",
            "Please cancel my subscription.",
            "How do I change the email address on my account?",
            "The app keeps crashing when I open the basket.",
            "Where is my parcel? It was due on Monday.",
            "hmm",
            "ok",
            "Your company is a joke, worst service I have ever had.",
            "Can I pay with PayPal?",
            "I'd like to return these shoes, they're too small.",
            "My card was charged twice for the same invoice.",
            "Is the blue version back in stock?",
            "I forgot my password and the reset email never arrives.",
            "question about something",
            "Hello?");

    @TempDir
    static Path dir;
    static Path answers;
    static List<Classification> oracle;

    LlmSimulator sim;
    ScheduledExecutorService scheduler;
    Classifier classifier;

    @BeforeAll
    static void writeAnswers() throws IOException {
        Taxonomy t = Taxonomy.defaults();
        oracle = new ArrayList<>();
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < TEXTS.size(); i++) {
            Classification unnatural = new Classification(t.intents().get((i * 3 + 5) % t.intents().size()).name(),
                    t.topics().get((i * 7 + 3) % t.topics().size()).name(), t.sentiments().get((i + 1) % 3).name());
            oracle.add(unnatural);
            file.append("{\"conversation_number\": \"k-").append(i).append("\", \"messages\": [{\"sender\": \"customer\", \"text\": ")
                    .append(dev.triage.core.json.Json.encodeToString(TEXTS.get(i))).append("}], \"expected\": ")
                    .append(dev.triage.core.json.Json.encodeToString(unnatural)).append("}\n");
        }
        answers = Files.writeString(dir.resolve("answers.jsonl"), file);
    }

    @BeforeEach
    void startSimulator() {
        sim = LlmSimulator.start(0, new Faults(), List.of("sim-model"), 42, CallsLog.NONE, LabelOracle.load(answers, 1.0));
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        if (classifier != null) {
            classifier.close();
        }
        scheduler.shutdownNow();
        sim.close();
    }

    @Test
    void thresholdZeroAnswersEverythingLearnedWithoutAskingTheModel() {
        List<Labels> labels = classifyAll(Map.of("CASCADE_THRESHOLD", "0"));

        assertThat(labels).allSatisfy(l -> {
            assertThat(l.provenance().tier()).isEqualTo(Provenance.LEARNED);
            assertThat(l.model()).isEqualTo(LearnedClassifier.MODEL);
        });
        assertThat(sim.requests()).isZero();
    }

    @Test
    void thresholdOneAsksTheModelAboutEverythingAndReturnsItsLabels() {
        List<Labels> labels = classifyAll(Map.of("CASCADE_THRESHOLD", "1.0"));

        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(labels.get(i).provenance().tier()).as(TEXTS.get(i)).isEqualTo(Provenance.LLM);
            assertThat(labels.get(i).model()).isEqualTo("sim-model");
            assertThat(labels.get(i).classification()).as(TEXTS.get(i)).isEqualTo(oracle.get(i));
        }
        assertThat(sim.requests()).isEqualTo(TEXTS.size());
        assertThat(sim.oracleHits()).isEqualTo(TEXTS.size());
    }

    @Test
    void fewShotExamplesInThePromptDoNotHideTheConversationFromTheModel() {
        List<Labels> labels = classifyAll(Map.of("CASCADE_THRESHOLD", "1.0", "LLM_FEW_SHOT", "3"));

        assertThat(labels).extracting(Labels::classification).containsExactlyElementsOf(oracle);
        assertThat(sim.oracleHits()).isEqualTo(TEXTS.size());
    }

    @Test
    void aMiddleThresholdLetsTheLearnedClassifierAnswerExactlyWhatItIsSureOf() {
        double[] confidence = new double[TEXTS.size()];
        Classification[] learned = new Classification[TEXTS.size()];
        try (LearnedClassifier direct = Providers.learned(settings(Map.of()))) {
            for (int i = 0; i < TEXTS.size(); i++) {
                LearnedModel.Prediction p = direct.predict(LearnedClassifierIT.conversation(new Message("customer", TEXTS.get(i)))).join();
                confidence[i] = p.minConfidence();
                learned[i] = p.classification();
            }
        }
        // halfway between two neighbouring confidences: no conversation sits on the threshold
        double[] sorted = confidence.clone();
        Arrays.sort(sorted);
        int half = sorted.length / 2;
        assertThat(sorted[half]).as("confidences %s", Arrays.toString(sorted)).isGreaterThan(sorted[half - 1]);
        double threshold = (sorted[half - 1] + sorted[half]) / 2;
        System.out.printf("cascade threshold %.4f over min confidences %s%n", threshold, Arrays.toString(sorted));

        List<Labels> labels = classifyAll(Map.of("CASCADE_THRESHOLD", Double.toString(threshold)));

        int sure = 0;
        for (int i = 0; i < TEXTS.size(); i++) {
            boolean learnedAnswers = confidence[i] >= threshold;
            sure += learnedAnswers ? 1 : 0;
            assertThat(labels.get(i).provenance().tier()).as(TEXTS.get(i))
                    .isEqualTo(learnedAnswers ? Provenance.LEARNED : Provenance.LLM);
            assertThat(labels.get(i).classification()).as(TEXTS.get(i)).isEqualTo(learnedAnswers ? learned[i] : oracle.get(i));
        }
        assertThat(sure).isEqualTo(TEXTS.size() - half);
        assertThat(sim.requests()).isEqualTo(TEXTS.size() - sure);
        assertThat(sim.oracleHits()).isEqualTo(TEXTS.size() - sure);
    }

    /** Classifies every text, four in flight at once, in the order of {@link #TEXTS}. */
    private List<Labels> classifyAll(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("LLM_PROVIDER", "ollama", "LLM_API_URL", sim.url(),
                "LLM_MODEL", "sim-model", "CACHE_MAX_ENTRIES", "0"));
        env.putAll(extra);
        classifier = Providers.create(LlmSettings.fromEnv(new Env(env)), 4, scheduler, new SimpleMeterRegistry());
        assertThat(classifier).isInstanceOf(CascadeClassifier.class);
        List<CompletableFuture<Labels>> futures = TEXTS.stream()
                .map(t -> classifier.classify(LearnedClassifierIT.conversation(new Message("customer", t)))).toList();
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static LlmSettings settings(Map<String, String> extra) {
        return LearnedClassifierIT.settings(extra);
    }
}
