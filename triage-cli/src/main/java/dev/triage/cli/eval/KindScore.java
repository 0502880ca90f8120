package dev.triage.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How well one label kind was answered: accuracy, macro-F1, precision and recall per label, and the
 * confusion matrix (rows expected, columns predicted). A failed conversation is predicted as
 * {@link #FAILED}: it counts against recall and accuracy, but is no label of its own (it has no
 * precision and takes no part in the macro average). Precision of a label never predicted is 0, as
 * is its F1 (scikit-learn's {@code zero_division=0}): a classifier that never says a label gets no
 * credit for it. Macro-F1 averages over every label expected or predicted.
 *
 * @param kind      {@code intent}, {@code topic} or {@code sentiment}
 * @param total     conversations labelled with this kind
 * @param correct   those answered right
 * @param labels    per label, sorted by name
 * @param confusion expected label to predicted label (or {@link #FAILED}) to count; only non-zero cells
 */
public record KindScore(String kind, int total, int correct, List<LabelScore> labels,
                        Map<String, Map<String, Integer>> confusion) {

    /** The predicted column of conversations that got no answer. */
    public static final String FAILED = "(failed)";

    /** One label's precision, recall and F1, with its support (how often it was expected). */
    public record LabelScore(String label, double precision, double recall, double f1, int support) {
    }

    /**
     * @param expected  the expected label of each conversation
     * @param predicted the label given to the same conversation, null when it failed
     */
    public static KindScore of(String kind, List<String> expected, List<String> predicted) {
        if (expected.size() != predicted.size()) {
            throw new IllegalArgumentException(expected.size() + " expected labels but " + predicted.size() + " predicted");
        }
        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        TreeSet<String> seen = new TreeSet<>(expected);
        int correct = 0;
        for (int i = 0; i < expected.size(); i++) {
            String got = predicted.get(i) == null ? FAILED : predicted.get(i);
            if (predicted.get(i) != null) {
                seen.add(got);
            }
            confusion.computeIfAbsent(expected.get(i), k -> new TreeMap<>()).merge(got, 1, Integer::sum);
            correct += got.equals(expected.get(i)) ? 1 : 0;
        }
        List<LabelScore> labels = new ArrayList<>();
        for (String label : seen) {
            labels.add(labelScore(label, confusion));
        }
        return new KindScore(kind, expected.size(), correct, List.copyOf(labels), confusion);
    }

    private static LabelScore labelScore(String label, Map<String, Map<String, Integer>> confusion) {
        int truePositives = confusion.getOrDefault(label, Map.of()).getOrDefault(label, 0);
        int support = confusion.getOrDefault(label, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
        int predicted = confusion.values().stream().mapToInt(row -> row.getOrDefault(label, 0)).sum();
        double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
        double recall = support == 0 ? 0 : (double) truePositives / support;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new LabelScore(label, precision, recall, f1, support);
    }

    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }

    public double macroF1() {
        return labels.stream().mapToDouble(LabelScore::f1).average().orElse(0);
    }

    /** How often {@code expected} was answered {@code predicted}. */
    public int count(String expected, String predicted) {
        return confusion.getOrDefault(expected, Map.of()).getOrDefault(predicted, 0);
    }
}
