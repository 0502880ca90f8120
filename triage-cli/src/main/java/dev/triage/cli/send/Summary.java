package dev.triage.cli.send;

import dev.triage.core.json.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end of a {@code triage send} run, as text or as one JSON object.
 *
 * @param sent              conversations sent (duplicates not counted)
 * @param ok                answered 200
 * @param failedByType      failures per error type, sorted by type
 * @param duplicatesSkipped entries left out because an earlier one had the same conversation_number
 * @param p50Ms             median latency of the last request of each answered conversation, null when none was answered
 * @param p99Ms             99th percentile (nearest rank) of the same
 * @param output            the results file
 * @param failures          one line per failure ("item 3: ValidationError: messages must not be empty"): all of
 *                          them in JSON, the first 20 in text
 */
record Summary(int sent, int ok, Map<String, Integer> failedByType, int duplicatesSkipped, Long p50Ms, Long p99Ms,
               Path output, List<String> failures) {

    private static final int FAILURES_SHOWN = 20;

    /** {@code outcomes.get(i)} is what became of {@code entries.get(i)}. */
    static Summary of(List<ConversationFile.Entry> entries, List<Outcome> outcomes, int duplicatesSkipped, Path output) {
        Map<String, Integer> byType = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome outcome = outcomes.get(i);
            if (outcome.latencyMs() != null) {
                latencies.add(outcome.latencyMs());
            }
            if (!outcome.isOk()) {
                byType.merge(outcome.errorType(), 1, Integer::sum);
                failures.add(entries.get(i).where() + ": " + outcome.errorType() + ": " + outcome.message());
            }
        }
        latencies.sort(null);
        return new Summary(outcomes.size(), outcomes.size() - failures.size(), byType, duplicatesSkipped,
                percentile(latencies, 0.50), percentile(latencies, 0.99), output, failures);
    }

    int failed() {
        return sent - ok;
    }

    /** Nearest rank: the smallest value with at least {@code p} of the values at or below it. */
    static Long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sent", sent);
        json.put("ok", ok);
        json.put("failed", failed());
        json.put("failed_by_type", failedByType);
        json.put("failures", failures);
        json.put("duplicates_skipped", duplicatesSkipped);
        json.put("p50_ms", p50Ms);
        json.put("p99_ms", p99Ms);
        json.put("output", output.toString());
        return Json.encodeToString(json);
    }

    String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("sent %d, ok %d, failed %d, duplicates skipped %d%n", sent, ok, failed(),
                duplicatesSkipped));
        failedByType.forEach((type, count) -> text.append(String.format("  failed %s: %d%n", type, count)));
        text.append(String.format("latency p50 %s ms, p99 %s ms%n", orDash(p50Ms), orDash(p99Ms)));
        text.append(String.format("results (%d) written to %s%n", ok, output));
        failures.stream().limit(FAILURES_SHOWN).forEach(f -> text.append("  ").append(f).append(System.lineSeparator()));
        if (failures.size() > FAILURES_SHOWN) {
            text.append(String.format("  ... and %d more failures%n", failures.size() - FAILURES_SHOWN));
        }
        return text.toString();
    }

    private static String orDash(Long value) {
        return value == null ? "-" : value.toString();
    }
}
