package dev.triage.cli.eval;

import dev.triage.classifier.Classifier;
import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.classifier.learned.LearnedClassifier;
import dev.triage.classifier.learned.LearnedModels;
import dev.triage.classifier.learned.LearnedSettings;
import dev.triage.classifier.llm.LlmSettings;
import dev.triage.classifier.llm.Providers;
import dev.triage.cli.Progress;
import dev.triage.core.taxonomy.Taxonomy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Runs the configured classifier in this process over the labelled conversations (no Kafka), and,
 * for the cascade curve, the learned classifier and the LLM without cascade over all of them. The
 * learned model is trained first as its own phase: {@link LearnedModels} keeps it for the process,
 * so {@link Providers} finds it trained.
 */
final class InProcessRun {

    private final LlmSettings settings;
    private final Taxonomy taxonomy;
    private final Passes passes;
    private final int maxConcurrent;

    InProcessRun(LlmSettings settings, Taxonomy taxonomy, Passes passes, int maxConcurrent) {
        this.settings = settings;
        this.taxonomy = taxonomy;
        this.passes = passes;
        this.maxConcurrent = maxConcurrent;
    }

    /** @param curve the cascade curve was asked for (--curve or CASCADE_THRESHOLD) */
    Evaluation run(String file, List<LabelledConversation> conversations, boolean curve) throws InterruptedException {
        if (settings.provider() != LlmSettings.Provider.OLLAMA && settings.provider() != LlmSettings.Provider.OPENAI
                || curve || settings.learned().fewShot() > 0 || settings.learned().cascadeThreshold() != null) {
            train();
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "eval-llm-policy");
            t.setDaemon(true);
            return t;
        });
        try (Classifier classifier = Providers.create(settings, maxConcurrent, scheduler, new SimpleMeterRegistry())) {
            List<Outcome> outcomes = pass("classifying with " + classifier.model(), conversations, DirectAnswers.of(classifier));
            String description = classifier.model() + " (LLM_PROVIDER=" + settings.provider().name().toLowerCase(java.util.Locale.ROOT)
                    + (settings.learned().cascadeThreshold() == null ? "" : ", CASCADE_THRESHOLD=" + settings.learned().cascadeThreshold())
                    + ")";
            boolean server = !classifier.model().equals(LearnedClassifier.MODEL);
            List<CascadeCurve.Point> points = curve && server ? curve(conversations, outcomes, scheduler) : null;
            String note = curve && !server ? "no model server is configured (LLM_PROVIDER=" + settings.provider()
                    .name().toLowerCase(java.util.Locale.ROOT) + " answered with the learned classifier)" : null;
            return new Evaluation(file, description, outcomes, Scores.of(outcomes), Costs.of(outcomes), points, note);
        } finally {
            scheduler.shutdownNow();
        }
    }

    private void train() {
        List<LabelledConversation> examples = LearnedModels.examples(settings.learned(), taxonomy);
        System.err.println("training the learned classifier on " + examples.size() + " examples");
        LearnedModels.trained(taxonomy, examples, new Progress(examples.size())::update);
    }

    /** The learned classifier alone, and the LLM alone (the main run when it had no threshold). */
    private List<CascadeCurve.Point> curve(List<LabelledConversation> conversations, List<Outcome> main,
                                           ScheduledExecutorService scheduler) throws InterruptedException {
        List<Outcome> learned;
        try (LearnedClassifier classifier = Providers.learned(settings)) {
            learned = pass("cascade curve: the learned classifier alone", conversations, DirectAnswers.of(classifier));
        }
        if (settings.learned().cascadeThreshold() == null) {
            return CascadeCurve.of(learned, main);
        }
        try (Classifier llm = Providers.create(withoutThreshold(settings), maxConcurrent, scheduler, new SimpleMeterRegistry())) {
            return CascadeCurve.of(learned, pass("cascade curve: the LLM alone", conversations, DirectAnswers.of(llm)));
        }
    }

    private List<Outcome> pass(String what, List<LabelledConversation> conversations,
                               Function<LabelledConversation, java.util.concurrent.CompletableFuture<Answer>> answer)
            throws InterruptedException {
        System.err.println(what + ": " + conversations.size() + " conversations");
        return passes.run(conversations, answer, new Progress(conversations.size())::update);
    }

    /** The same settings with the LLM answering every conversation (the same few-shot examples). */
    static LlmSettings withoutThreshold(LlmSettings s) {
        LearnedSettings l = s.learned();
        return new LlmSettings(s.provider(), s.apiUrl(), s.model(), s.apiKey(), s.connectTimeout(), s.policy(),
                s.maxAttempts(), s.recordMaxAttempts(), s.promptMaxChars(), s.conversationMaxChars(), s.taxonomyFile(),
                new LearnedSettings(l.examplesFile(), l.examplesMode(), l.csvColumns(), l.fewShot(), null), s.cache());
    }
}
