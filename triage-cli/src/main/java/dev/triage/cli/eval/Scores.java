package dev.triage.cli.eval;

import dev.triage.classifier.learned.LabelledConversation;

import java.util.ArrayList;
import java.util.List;

/**
 * The scores of a run: one {@link KindScore} per kind that any conversation is labelled with, and
 * the share of conversations with all three labels right, when every conversation has all three.
 *
 * @param kinds     in {@link LabelledConversation#KINDS} order
 * @param allThree  null unless every conversation is labelled with all three kinds
 */
public record Scores(List<KindScore> kinds, Double allThree) {

    /** Scores {@code outcomes}; a failed one is wrong for every kind. */
    static Scores of(List<Outcome> outcomes) {
        List<KindScore> kinds = new ArrayList<>();
        for (String kind : LabelledConversation.KINDS) {
            List<String> expected = new ArrayList<>();
            List<String> predicted = new ArrayList<>();
            for (Outcome o : outcomes) {
                String label = o.conversation().expected().get(kind);
                if (label != null) {
                    expected.add(label);
                    predicted.add(o.got(kind));
                }
            }
            if (!expected.isEmpty()) {
                kinds.add(KindScore.of(kind, expected, predicted));
            }
        }
        boolean allLabelled = outcomes.stream()
                .allMatch(o -> o.conversation().expected().keySet().containsAll(LabelledConversation.KINDS));
        Double allThree = allLabelled && !outcomes.isEmpty()
                ? (double) outcomes.stream().filter(Outcome::allRight).count() / outcomes.size() : null;
        return new Scores(List.copyOf(kinds), allThree);
    }
}
