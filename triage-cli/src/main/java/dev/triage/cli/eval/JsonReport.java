package dev.triage.cli.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.core.json.Json;

import java.util.List;
import java.util.Map;

/** {@code triage eval --json}: one object with every number of the text report, every failure and the first disagreements. */
final class JsonReport {

    private JsonReport() {
    }

    static String render(Evaluation e, int errors) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("file", e.file()).put("classifier", e.classifier()).put("conversations", e.outcomes().size());
        ObjectNode kinds = root.putObject("kinds");
        for (KindScore k : e.scores().kinds()) {
            kinds.set(k.kind(), kind(k));
        }
        root.put("all_three_accuracy", e.scores().allThree());
        costs(root, e.costs());
        ArrayNode failures = root.putArray("failures");
        e.failures().forEach(o -> failures.addObject().put("id", o.conversation().id()).put("reason", o.failure()));
        ArrayNode disagreements = root.putArray("disagreements");
        e.disagreements().stream().limit(errors).forEach(o -> disagreements.add(disagreement(o)));
        if (e.curve() != null) {
            ArrayNode curve = root.putArray("curve");
            e.curve().forEach(p -> curve.add(point(p)));
        }
        if (e.curveNote() != null) {
            root.put("curve_note", e.curveNote());
        }
        return Json.encodeToString(root);
    }

    private static ObjectNode kind(KindScore k) {
        ObjectNode node = Json.mapper().createObjectNode().put("accuracy", k.accuracy()).put("macro_f1", k.macroF1())
                .put("correct", k.correct()).put("total", k.total());
        ArrayNode labels = node.putArray("labels");
        k.labels().forEach(l -> labels.addObject().put("label", l.label()).put("precision", l.precision())
                .put("recall", l.recall()).put("f1", l.f1()).put("support", l.support()));
        node.set("confusion", Json.mapper().valueToTree(k.confusion()));
        return node;
    }

    private static void costs(ObjectNode root, Costs c) {
        root.putObject("tiers").put("llm", c.llm()).put("learned", c.learned()).put("cached", c.cached())
                .put("unknown", c.unknown()).put("failed", c.failed());
        root.put("model_calls", c.modelCalls()).put("model_calls_per_conversation", c.modelCallsPerConversation())
                .put("tokens_per_conversation", c.tokensPerConversation());
        root.putObject("latency_ms").put("p50", c.p50Ms()).put("p99", c.p99Ms());
        root.put("failed", c.failed());
    }

    private static ObjectNode disagreement(Outcome o) {
        ObjectNode node = Json.mapper().createObjectNode().put("id", o.conversation().id())
                .put("text", Evaluation.customerText(o.conversation()));
        node.set("expected", Json.mapper().valueToTree(ordered(o.conversation().expected())));
        node.set("got", Json.mapper().valueToTree(ordered(o.answer().labels())));
        return node;
    }

    private static Map<String, String> ordered(Map<String, String> labels) {
        Map<String, String> ordered = new java.util.LinkedHashMap<>();
        for (String kind : LabelledConversation.KINDS) {
            if (labels.containsKey(kind)) {
                ordered.put(kind, labels.get(kind));
            }
        }
        return ordered;
    }

    private static ObjectNode point(CascadeCurve.Point p) {
        ObjectNode node = Json.mapper().createObjectNode().put("threshold", p.threshold());
        node.set("accuracy", Json.mapper().valueToTree(p.accuracy()));
        return node.put("all_three_accuracy", p.allThree()).put("llm_calls_per_conversation", p.llmCallsPerConversation())
                .put("learned_share", p.learnedShare());
    }

    /** For the text report: the labels in kind order. */
    static List<String> kindsOf(Map<String, String> labels) {
        return ordered(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
