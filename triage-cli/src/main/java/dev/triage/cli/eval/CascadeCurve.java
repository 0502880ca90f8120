package dev.triage.cli.eval;

import dev.triage.classifier.learned.LabelledConversation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a cascade would score at each threshold, worked out from two runs over the same
 * conversations: the learned classifier's answers with their confidence, and the LLM's answers
 * alone. At threshold {@code t} the learned classifier answers a conversation when its least sure
 * label has a probability of at least {@code t} ({@code minConfidence() >= t}, as the cascade
 * decides), the LLM answers the rest and costs its calls. 1.01 is above every probability: the LLM
 * answers everything. A failed answer is wrong for every kind, and a learned answer that failed
 * counts as confidence 0.
 */
public final class CascadeCurve {

    /** The thresholds printed: from "learned always" to "LLM always". */
    public static final List<Double> THRESHOLDS = List.of(0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.01);

    /**
     * One threshold's result.
     *
     * @param accuracy                per kind present in the file, in {@link LabelledConversation#KINDS} order
     * @param allThree                null unless every conversation has all three labels
     * @param llmCallsPerConversation the LLM's model calls for the conversations it answers, per conversation
     * @param learnedShare            share of conversations the learned classifier answers
     */
    public record Point(double threshold, Map<String, Double> accuracy, Double allThree, double llmCallsPerConversation,
                        double learnedShare) {
    }

    private CascadeCurve() {
    }

    /** @param learned and {@code llm}: outcomes of the same conversations in the same order */
    static List<Point> of(List<Outcome> learned, List<Outcome> llm) {
        if (learned.size() != llm.size()) {
            throw new IllegalArgumentException(learned.size() + " learned outcomes but " + llm.size() + " LLM outcomes");
        }
        List<Point> points = new ArrayList<>();
        for (double t : THRESHOLDS) {
            points.add(at(t, learned, llm));
        }
        return List.copyOf(points);
    }

    static Point at(double threshold, List<Outcome> learned, List<Outcome> llm) {
        List<Outcome> chosen = new ArrayList<>();
        long calls = 0;
        int byLearned = 0;
        for (int i = 0; i < learned.size(); i++) {
            if (confidence(learned.get(i)) >= threshold) {
                chosen.add(learned.get(i));
                byLearned++;
            } else {
                Outcome o = llm.get(i);
                chosen.add(o);
                calls += o.answer() == null || o.answer().modelCalls() == null ? 0 : o.answer().modelCalls();
            }
        }
        Scores scores = Scores.of(chosen);
        Map<String, Double> accuracy = new LinkedHashMap<>();
        scores.kinds().forEach(k -> accuracy.put(k.kind(), k.accuracy()));
        int n = learned.size();
        return new Point(threshold, accuracy, scores.allThree(), n == 0 ? 0 : (double) calls / n,
                n == 0 ? 0 : (double) byLearned / n);
    }

    private static double confidence(Outcome learned) {
        return learned.answer() == null || learned.answer().minConfidence() == null ? 0 : learned.answer().minConfidence();
    }
}
