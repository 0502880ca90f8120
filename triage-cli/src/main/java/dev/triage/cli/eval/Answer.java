package dev.triage.cli.eval;

import java.util.Map;

/**
 * What a classifier answered for one conversation, and what it cost.
 *
 * @param labels        label per kind ({@code intent}, {@code topic}, {@code sentiment})
 * @param tier          {@code llm} or {@code learned}; null when the answer does not say (an older gateway)
 * @param cached        true when the answer was reused from the answer cache
 * @param modelCalls    model calls this answer took (0 for the learned tier and for cached answers); null when unknown
 * @param tokens        prompt plus completion tokens of those calls; null when the server reported none or unknown
 * @param minConfidence the learned classifier's least sure label probability; null when it was not the one that answered
 */
record Answer(Map<String, String> labels, String tier, boolean cached, Integer modelCalls, Long tokens, Double minConfidence) {

    Answer {
        labels = Map.copyOf(labels);
    }
}
