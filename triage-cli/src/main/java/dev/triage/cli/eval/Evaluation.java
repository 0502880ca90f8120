package dev.triage.cli.eval;

import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.core.model.Message;

import java.util.List;

/**
 * Everything a run found, for either report.
 *
 * @param file       the labelled file
 * @param classifier what answered: the model name, or the gateway's URL
 * @param outcomes   one per conversation, in file order
 * @param scores     accuracy and the rest per kind
 * @param costs      tiers, model calls, tokens, latency
 * @param curve      the cascade curve, or null when not asked for or not possible
 * @param curveNote  why there is no curve although one was asked for, or null
 */
record Evaluation(String file, String classifier, List<Outcome> outcomes, Scores scores, Costs costs,
                  List<CascadeCurve.Point> curve, String curveNote) {

    static final int TEXT_EXCERPT = 200;

    List<Outcome> failures() {
        return outcomes.stream().filter(Outcome::isFailed).toList();
    }

    /** Answered conversations with at least one label wrong, in file order. */
    List<Outcome> disagreements() {
        return outcomes.stream().filter(o -> !o.isFailed() && !o.allRight()).toList();
    }

    /** The customer's turns, cut to about {@value #TEXT_EXCERPT} characters. */
    static String customerText(LabelledConversation conversation) {
        List<String> turns = conversation.messages().stream().filter(m -> !"agent".equals(m.sender()))
                .map(Message::text).toList();
        String text = String.join(" / ", turns.isEmpty() ? conversation.messages().stream().map(Message::text).toList() : turns)
                .replaceAll("\\s+", " ").strip();
        return text.length() <= TEXT_EXCERPT ? text : text.substring(0, TEXT_EXCERPT) + "...";
    }
}
