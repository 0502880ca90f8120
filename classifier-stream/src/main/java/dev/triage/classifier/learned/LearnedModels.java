package dev.triage.classifier.learned;

import dev.triage.core.config.ConfigException;
import dev.triage.core.taxonomy.Taxonomy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Trains the learned model a configuration asks for: the built-in examples of the default taxonomy,
 * plus or instead of an {@code EXAMPLES_FILE}. Training embeds every example (about 5 ms each on two
 * cores), so a model is kept for the life of the process per examples and taxonomy: the classifiers a
 * test run or {@code triage local} starts share it. A trained model is immutable, so sharing is safe.
 */
public final class LearnedModels {

    /** The built-in examples of the default taxonomy, written for this project. */
    public static final String DEFAULT_EXAMPLES = "/dev/triage/classifier/learned/support-v1.examples.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(LearnedModels.class);
    private static final Map<Key, LearnedModel> TRAINED = new ConcurrentHashMap<>();

    /** What a model is trained from; compared by value, so a different list never gets another's model. */
    private record Key(Taxonomy taxonomy, List<LabelledConversation> examples) {
    }

    private LearnedModels() {
    }

    /** The examples {@code settings} and {@code taxonomy} call for. */
    public static List<LabelledConversation> examples(LearnedSettings settings, Taxonomy taxonomy) {
        boolean defaultTaxonomy = taxonomy.equals(Taxonomy.defaults());
        if (!defaultTaxonomy && settings.examplesFile() == null) {
            throw new ConfigException("TAXONOMY_FILE " + taxonomy.version() + " needs an EXAMPLES_FILE labelled with its "
                    + "labels to train the learned classifier (the built-in examples are labelled for "
                    + Taxonomy.defaults().version() + ")");
        }
        List<LabelledConversation> examples = new ArrayList<>();
        if (defaultTaxonomy && settings.examplesMode() == LearnedSettings.ExamplesMode.ADD) {
            examples.addAll(LabelledFile.readResource(DEFAULT_EXAMPLES, taxonomy));
        }
        if (settings.examplesFile() != null) {
            examples.addAll(LabelledFile.read(settings.examplesFile(), settings.csvColumns(), taxonomy));
        }
        return examples;
    }

    /** The model trained on {@code examples}, trained now or earlier in this process. */
    public static LearnedModel trained(Taxonomy taxonomy, List<LabelledConversation> examples) {
        return trained(taxonomy, examples, done -> { });
    }

    /** @param progress told how many examples are embedded so far, when they are embedded now */
    public static LearnedModel trained(Taxonomy taxonomy, List<LabelledConversation> examples, IntConsumer progress) {
        return TRAINED.computeIfAbsent(new Key(taxonomy, List.copyOf(examples)), k -> {
            long started = System.nanoTime();
            LearnedModel model = LearnedModel.train(Encoder.INSTANCE, taxonomy, examples, progress);
            LOG.info("learned classifier trained on {} examples of taxonomy {} in {} ms", examples.size(),
                    taxonomy.version(), (System.nanoTime() - started) / 1_000_000);
            return model;
        });
    }

    /** One encoder per process, made on first use: it holds the ONNX session (about 35 MB). */
    private static final class Encoder {
        static final SentenceEncoder INSTANCE = new SentenceEncoder();
    }
}
