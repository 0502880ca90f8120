package dev.triage.cli.eval;

import java.util.List;
import java.util.Locale;

/**
 * The text report of {@code triage eval}. The confusion matrix is printed whole up to
 * {@value #MATRIX_MAX_LABELS} labels, or always with {@code --confusion}; above that (BANKING77 has
 * 77 intents) a matrix is unreadable in a terminal, so the {@value #TOP_CONFUSIONS} most frequent
 * confusions are printed instead ({@code --json} always has the whole matrix).
 */
final class TextReport {

    static final int MATRIX_MAX_LABELS = 15;
    static final int TOP_CONFUSIONS = 10;

    private final StringBuilder out = new StringBuilder();

    private TextReport() {
    }

    static String render(Evaluation e, int errors, boolean fullConfusion) {
        TextReport r = new TextReport();
        r.line("%s: %d conversations, answered by %s", e.file(), e.outcomes().size(), e.classifier());
        for (KindScore k : e.scores().kinds()) {
            r.kind(k, fullConfusion);
        }
        if (e.scores().allThree() != null) {
            r.line("all three right: %.3f", e.scores().allThree());
        }
        r.costs(e.costs());
        r.failures(e.failures(), errors);
        r.disagreements(e.disagreements(), errors);
        if (e.curve() != null) {
            r.curve(e.curve());
        }
        if (e.curveNote() != null) {
            r.line("no cascade curve: %s", e.curveNote());
        }
        return r.out.toString();
    }

    private void kind(KindScore k, boolean fullConfusion) {
        line("");
        line("%s: accuracy %.3f (%d/%d), macro-F1 %.3f", k.kind(), k.accuracy(), k.correct(), k.total(), k.macroF1());
        line("  %-32s %9s %7s %6s %8s", "label", "precision", "recall", "f1", "support");
        k.labels().forEach(l -> line("  %-32s %9.3f %7.3f %6.3f %8d", l.label(), l.precision(), l.recall(), l.f1(), l.support()));
        List<String> labels = k.labels().stream().map(KindScore.LabelScore::label).toList();
        if (fullConfusion || labels.size() <= MATRIX_MAX_LABELS) {
            matrix(k, labels);
        } else {
            topConfusions(k);
        }
    }

    private void matrix(KindScore k, List<String> labels) {
        boolean failures = k.confusion().values().stream().anyMatch(row -> row.containsKey(KindScore.FAILED));
        line("  confusion (rows expected, columns predicted in the same order%s):", failures ? ", then failed" : "");
        for (int i = 0; i < labels.size(); i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %3d %-28s", i + 1, labels.get(i)));
            for (String predicted : labels) {
                row.append(String.format(Locale.ROOT, " %4d", k.count(labels.get(i), predicted)));
            }
            if (failures) {
                row.append(String.format(Locale.ROOT, " %4d", k.count(labels.get(i), KindScore.FAILED)));
            }
            line("%s", row);
        }
    }

    private void topConfusions(KindScore k) {
        line("  most frequent confusions (%d labels: --confusion prints the whole matrix):", k.labels().size());
        k.confusion().entrySet().stream()
                .flatMap(row -> row.getValue().entrySet().stream().filter(c -> !c.getKey().equals(row.getKey()))
                        .map(c -> new Object[]{row.getKey(), c.getKey(), c.getValue()}))
                .sorted((a, b) -> Integer.compare((Integer) b[2], (Integer) a[2])).limit(TOP_CONFUSIONS)
                .forEach(c -> line("  %5d  %s -> %s", c[2], c[0], c[1]));
    }

    private void costs(Costs c) {
        line("");
        line("answered by: llm %d, learned %d, cached %d%s, failed %d", c.llm(), c.learned(), c.cached(),
                c.unknown() == 0 ? "" : ", not said " + c.unknown(), c.failed());
        line("model calls: %s", c.modelCalls() == null ? "unknown (the answers do not say)"
                : String.format(Locale.ROOT, "%d (%.2f per conversation)", c.modelCalls(), c.modelCallsPerConversation()));
        line("tokens per conversation: %s", c.tokensPerConversation() == null ? "none reported"
                : String.format(Locale.ROOT, "%.1f", c.tokensPerConversation()));
        line("latency per conversation: p50 %d ms, p99 %d ms", c.p50Ms(), c.p99Ms());
    }

    private void failures(List<Outcome> failed, int errors) {
        line("failed: %d%s", failed.size(), failed.isEmpty() ? "" : " (each scored wrong for every kind)");
        failed.stream().limit(Math.max(errors, 1)).forEach(o -> line("  %s: %s", o.conversation().id(), o.failure()));
        if (failed.size() > Math.max(errors, 1)) {
            line("  ... and %d more (--json lists them all)", failed.size() - Math.max(errors, 1));
        }
    }

    private void disagreements(List<Outcome> wrong, int errors) {
        if (wrong.isEmpty() || errors == 0) {
            return;
        }
        line("");
        line("first %d of %d disagreements:", Math.min(errors, wrong.size()), wrong.size());
        wrong.stream().limit(errors).forEach(o -> {
            line("  %s: \"%s\"", o.conversation().id(), Evaluation.customerText(o.conversation()));
            line("    expected %s", String.join(" ", JsonReport.kindsOf(o.conversation().expected())));
            line("    got      %s", String.join(" ", JsonReport.kindsOf(o.answer().labels())));
        });
    }

    private void curve(List<CascadeCurve.Point> curve) {
        line("");
        line("cascade curve (the learned classifier answers when its least sure label is >= threshold, the LLM the rest):");
        List<String> kinds = List.copyOf(curve.get(0).accuracy().keySet());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %9s", "threshold"));
        kinds.forEach(k -> header.append(String.format(Locale.ROOT, " %9s", k)));
        line("%s %9s %9s %9s", header, "all three", "LLM calls", "learned");
        for (CascadeCurve.Point p : curve) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %9.2f", p.threshold()));
            kinds.forEach(k -> row.append(String.format(Locale.ROOT, " %9.3f", p.accuracy().get(k))));
            line("%s %9s %9.2f %8.0f%%", row, p.allThree() == null ? "-" : String.format(Locale.ROOT, "%.3f", p.allThree()),
                    p.llmCallsPerConversation(), 100 * p.learnedShare());
        }
    }

    private void line(String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }
}
