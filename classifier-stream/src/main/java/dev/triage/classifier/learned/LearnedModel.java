package dev.triage.classifier.learned;

import dev.triage.core.config.ConfigException;
import dev.triage.core.model.Classification;
import dev.triage.core.model.Message;
import dev.triage.core.taxonomy.Taxonomy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * A classifier learned from labelled examples: per label kind, a {@link SoftmaxRegression} over the
 * customer's sentence embedding and, for intent and topic, hashed n-grams of every turn (sentiment
 * reads the embedding only: n-grams tie it to topic words; measured in docs/benchmarks.md). Logistic
 * regression was chosen over nearest neighbours and centroids by accuracy on the same data. It also
 * keeps the embedded examples, to find the ones nearest a conversation (few-shot prompts).
 *
 * <p>Immutable once trained; safe to use from any thread.
 */
public final class LearnedModel {

    static final int NGRAM_BUCKETS = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(LearnedModel.class);

    /** One label kind's model; {@code regression} is null when the kind has a single label. */
    private record KindModel(String kind, List<String> labels, SoftmaxRegression regression, boolean ngrams) {
    }

    /**
     * An answer with the probability of each chosen label.
     *
     * @param embedding the customer text's embedding, for {@link #nearest}
     */
    public record Prediction(Classification classification, Map<String, Double> confidence, float[] embedding) {

        /** The least sure of the three labels: what a cascade threshold is compared with. */
        public double minConfidence() {
            return confidence.values().stream().mapToDouble(Double::doubleValue).min().orElse(1);
        }
    }

    private final SentenceEncoder encoder;
    private final Ngrams ngrams;
    private final List<KindModel> kinds;
    private final List<LabelledConversation> examples;
    private final List<float[]> embeddings;

    private LearnedModel(SentenceEncoder encoder, Ngrams ngrams, List<KindModel> kinds,
                         List<LabelledConversation> examples, List<float[]> embeddings) {
        this.encoder = encoder;
        this.ngrams = ngrams;
        this.kinds = kinds;
        this.examples = examples;
        this.embeddings = embeddings;
    }

    /**
     * Embeds and learns {@code examples}. A kind with one label in {@code taxonomy} needs no examples;
     * any other kind needs examples of at least two of its labels.
     *
     * @param progress told how many examples are embedded so far
     */
    public static LearnedModel train(SentenceEncoder encoder, Taxonomy taxonomy, List<LabelledConversation> examples,
                                     IntConsumer progress) {
        List<float[]> embeddings = encoder.embedAll(
                examples.stream().map(e -> ConversationText.customer(e.messages())).toList(), progress);
        Ngrams ngrams = Ngrams.fit(examples.stream().map(e -> ConversationText.all(e.messages())).toList(), NGRAM_BUCKETS);
        List<KindModel> kinds = new ArrayList<>();
        for (String kind : LabelledConversation.KINDS) {
            kinds.add(trainKind(kind, taxonomy.labels(kind).stream().map(Taxonomy.Label::name).toList(),
                    examples, embeddings, ngrams));
        }
        return new LearnedModel(encoder, ngrams, List.copyOf(kinds), List.copyOf(examples), List.copyOf(embeddings));
    }

    private static KindModel trainKind(String kind, List<String> allowed, List<LabelledConversation> examples,
                                       List<float[]> embeddings, Ngrams ngrams) {
        boolean useNgrams = !kind.equals("sentiment");
        List<Integer> labelled = IntStream.range(0, examples.size())
                .filter(i -> examples.get(i).expected().containsKey(kind)).boxed().toList();
        List<String> seen = labelled.stream().map(i -> examples.get(i).expected().get(kind)).distinct().sorted().toList();
        if (allowed.size() == 1) {
            return new KindModel(kind, allowed, null, false);
        }
        if (seen.size() < 2) {
            throw new ConfigException("the examples label the " + kind + " of " + labelled.size()
                    + " conversations with " + seen + ": the learned classifier needs examples of at least two "
                    + kind + "s (or a taxonomy with a single " + kind + ")");
        }
        List<String> unseen = allowed.stream().filter(l -> !seen.contains(l)).toList();
        if (!unseen.isEmpty()) {
            LOG.warn("no example is labelled {} {}: the learned classifier will never answer {}", kind, unseen,
                    unseen.size() == 1 ? "it" : "them");
        }
        FeatureVector[] x = new FeatureVector[labelled.size()];
        int[] y = new int[labelled.size()];
        for (int j = 0; j < x.length; j++) {
            int i = labelled.get(j);
            x[j] = features(ngrams, useNgrams, embeddings.get(i), examples.get(i).messages());
            y[j] = seen.indexOf(examples.get(i).expected().get(kind));
        }
        return new KindModel(kind, seen, SoftmaxRegression.train(x, y, seen.size(), SoftmaxRegression.Training.DEFAULT), useNgrams);
    }

    public Prediction predict(List<Message> messages) {
        float[] embedding = encoder.embed(ConversationText.customer(messages));
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, Double> confidence = new LinkedHashMap<>();
        for (KindModel k : kinds) {
            if (k.regression() == null) {
                labels.put(k.kind(), k.labels().get(0));
                confidence.put(k.kind(), 1.0);
                continue;
            }
            double[] p = k.regression().probabilities(features(ngrams, k.ngrams(), embedding, messages));
            int best = IntStream.range(0, p.length).reduce((a, b) -> p[b] > p[a] ? b : a).orElseThrow();
            labels.put(k.kind(), k.labels().get(best));
            confidence.put(k.kind(), p[best]);
        }
        return new Prediction(new Classification(labels.get("intent"), labels.get("topic"), labels.get("sentiment")),
                Collections.unmodifiableMap(confidence), embedding);
    }

    /** The {@code k} examples most similar to {@code embedding} (cosine), most similar first. */
    public List<LabelledConversation> nearest(float[] embedding, int k) {
        double[] similarity = new double[examples.size()];
        for (int i = 0; i < similarity.length; i++) {
            similarity[i] = dot(embeddings.get(i), embedding);
        }
        PriorityQueue<Integer> best = new PriorityQueue<>(Comparator.comparingDouble(i -> similarity[i]));
        for (int i = 0; i < similarity.length; i++) {
            best.add(i);
            if (best.size() > k) {
                best.poll();
            }
        }
        List<LabelledConversation> nearest = new ArrayList<>(best.size());
        while (!best.isEmpty()) {
            nearest.add(0, examples.get(best.poll()));
        }
        return nearest;
    }

    public int exampleCount() {
        return examples.size();
    }

    private static FeatureVector features(Ngrams ngrams, boolean useNgrams, float[] embedding, List<Message> messages) {
        return useNgrams ? ngrams.features(embedding, ConversationText.all(messages))
                : new FeatureVector(embedding, new int[0], new float[0], 0);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "LearnedModel[" + examples.size() + " examples, kinds " + Arrays.toString(kinds.stream()
                .map(k -> k.kind() + ":" + k.labels().size()).toArray()) + "]";
    }
}
