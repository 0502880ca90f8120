package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.classifier.Classifier;
import dev.triage.classifier.AnswerCache;
import dev.triage.classifier.CascadeClassifier;
import dev.triage.classifier.learned.LearnedClassifier;
import dev.triage.classifier.learned.LearnedModel;
import dev.triage.classifier.learned.LearnedModels;
import dev.triage.classifier.learned.LearnedSettings;
import dev.triage.core.taxonomy.Taxonomy;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Builds the classifier that {@link LlmSettings} asks for. {@code offline} is the learned classifier
 * (no model server). {@code auto} probes the configured Ollama ({@code GET /api/tags}): if it answers
 * and has the model, Ollama is used; otherwise the learned classifier, said loudly once. With a model
 * server, {@code CASCADE_THRESHOLD} or {@code LLM_FEW_SHOT} put the learned classifier in front of the
 * LLM ({@link CascadeClassifier}). Every classifier sits behind the {@link AnswerCache} unless
 * {@code CACHE_MAX_ENTRIES=0}. The model classifiers record their calls and policy in {@code registry}.
 */
public final class Providers {

    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private Providers() {
    }

    /** @param maxConcurrent the most model calls in flight ({@code MAX_CONCURRENT}) */
    public static Classifier create(LlmSettings settings, int maxConcurrent, ScheduledExecutorService scheduler,
                                    MeterRegistry registry) {
        checkLearnedSettings(settings);
        Classifier classifier = uncached(settings, maxConcurrent, scheduler, registry);
        return settings.cache().maxEntries() == 0 ? classifier : new AnswerCache(classifier, settings.cache(), registry);
    }

    private static Classifier uncached(LlmSettings settings, int maxConcurrent, ScheduledExecutorService scheduler,
                                       MeterRegistry registry) {
        return switch (settings.provider()) {
            case OFFLINE -> learned(settings);
            case OLLAMA -> withLearned(settings, llm(settings, maxConcurrent, scheduler, registry,
                    new OllamaClient(http(settings), settings.endpoint("/api/chat"), settings.model())));
            case OPENAI -> withLearned(settings, llm(settings, maxConcurrent, scheduler, registry,
                    new OpenAiClient(http(settings), settings.endpoint("/v1/chat/completions"), settings.model(),
                            settings.apiKey())));
            case AUTO -> auto(settings, maxConcurrent, scheduler, registry);
        };
    }

    private static Classifier auto(LlmSettings settings, int maxConcurrent, ScheduledExecutorService scheduler,
                                   MeterRegistry registry) {
        String problem = probeOllama(settings);
        if (problem == null) {
            LOG.info("LLM_PROVIDER=auto: using Ollama at {} with model {}", settings.apiUrl(), settings.model());
            return uncached(withProvider(settings, LlmSettings.Provider.OLLAMA), maxConcurrent, scheduler, registry);
        }
        LOG.warn("""

                ************************************************************************
                LLM_PROVIDER=auto: {}.
                Using the LEARNED classifier (no model server): results say model "{}".
                Start Ollama and pull the model (ollama pull {}), or set LLM_PROVIDER.
                ************************************************************************""", problem, LearnedClassifier.MODEL,
                settings.model());
        return learned(settings);
    }

    /**
     * Fails now, not at the first outage, when {@code auto}'s fallback could not be built (examples
     * missing or unreadable); says which learned settings the provider leaves unused.
     */
    private static void checkLearnedSettings(LlmSettings settings) {
        LearnedSettings learned = settings.learned();
        boolean assisted = learned.cascadeThreshold() != null || learned.fewShot() > 0;
        switch (settings.provider()) {
            case AUTO -> LearnedModels.examples(learned, taxonomy(settings));
            case OFFLINE -> {
                if (assisted) {
                    LOG.warn("CASCADE_THRESHOLD and LLM_FEW_SHOT are not used with LLM_PROVIDER=offline: there is no LLM");
                }
            }
            case OLLAMA, OPENAI -> {
                if (!assisted && learned.examplesFile() != null) {
                    LOG.warn("EXAMPLES_FILE {} is not used: with LLM_PROVIDER={} it serves CASCADE_THRESHOLD and "
                            + "LLM_FEW_SHOT, and neither is set", learned.examplesFile(), settings.provider());
                }
            }
        }
    }

    /** The learned classifier for the configured taxonomy and examples, trained now or earlier in this process. */
    public static LearnedClassifier learned(LlmSettings settings) {
        Taxonomy taxonomy = taxonomy(settings);
        LearnedModel model = LearnedModels.trained(taxonomy, LearnedModels.examples(settings.learned(), taxonomy));
        return new LearnedClassifier(model, taxonomy.version(), settings.conversationMaxChars());
    }

    private static Classifier withLearned(LlmSettings settings, LlmClassifier llm) {
        LearnedSettings learned = settings.learned();
        if (learned.cascadeThreshold() == null && learned.fewShot() == 0) {
            return llm;
        }
        return new CascadeClassifier(learned(settings), llm, learned.cascadeThreshold(), learned.fewShot());
    }

    private static Taxonomy taxonomy(LlmSettings settings) {
        return settings.taxonomyFile() == null ? Taxonomy.defaults() : TaxonomyFile.read(settings.taxonomyFile());
    }

    /** Null when Ollama answers and has the model, else what is wrong. */
    static String probeOllama(LlmSettings settings) {
        try {
            JsonNode tags = new LlmHttp(PROBE_TIMEOUT, PROBE_TIMEOUT).get(settings.endpoint("/api/tags"))
                    .get(PROBE_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS).body();
            for (JsonNode m : tags.path("models")) {
                String name = m.path("name").asText();
                if (name.equals(settings.model()) || name.equals(settings.model() + ":latest")) {
                    return null;
                }
            }
            return "Ollama at " + settings.apiUrl() + " does not have the model " + settings.model();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "no Ollama reachable at " + settings.apiUrl();
        }
    }

    private static LlmClassifier llm(LlmSettings settings, int maxConcurrent, ScheduledExecutorService scheduler,
                                     MeterRegistry registry, LlmClient client) {
        Taxonomy taxonomy = taxonomy(settings);
        LlmPolicy policy = new LlmPolicy(client.model(), settings.policy(), maxConcurrent, scheduler,
                () -> ThreadLocalRandom.current().nextDouble(), registry);
        return new LlmClassifier(client, policy, new AnswerSchema(taxonomy), new Prompt(taxonomy, settings.promptMaxChars()),
                settings.maxAttempts(), settings.conversationMaxChars(), System::nanoTime, registry);
    }

    private static LlmHttp http(LlmSettings settings) {
        return new LlmHttp(settings.connectTimeout(), settings.policy().callTimeout());
    }

    private static LlmSettings withProvider(LlmSettings s, LlmSettings.Provider provider) {
        return new LlmSettings(provider, s.apiUrl(), s.model(), s.apiKey(), s.connectTimeout(), s.policy(),
                s.maxAttempts(), s.recordMaxAttempts(), s.promptMaxChars(), s.conversationMaxChars(), s.taxonomyFile(),
                s.learned(), s.cache());
    }
}
