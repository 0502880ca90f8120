package dev.triage.cli.eval;

import dev.triage.cli.bench.Latencies;
import dev.triage.core.model.Provenance;

import java.util.List;

/**
 * What a run cost: which tier answered how many conversations, the model calls and tokens, and the
 * latency per conversation. The eval sends closed-loop (the next conversation when one finishes, no
 * intended rate), so the latencies are recorded as measured, with no coordinated-omission correction.
 *
 * @param llm        answered by the LLM (not from the cache)
 * @param learned    answered by the learned classifier (not from the cache)
 * @param cached     answered from the answer cache, whichever tier first gave the answer
 * @param unknown    answered without saying by whom (a gateway that reports no provenance)
 * @param failed     not answered
 * @param modelCalls model calls of the LLM answers not from the cache; null when some answer does not say
 * @param tokens     their prompt plus completion tokens; null when no answer reported any
 * @param p50Ms      median latency per conversation, failures included, to the nearest ms; 0 for an empty run
 * @param p99Ms      99th percentile (nearest rank, within 0.1%: see {@link Latencies})
 */
public record Costs(int llm, int learned, int cached, int unknown, int failed, Long modelCalls, Long tokens,
                    long p50Ms, long p99Ms) {

    static Costs of(List<Outcome> outcomes) {
        int llm = 0, learned = 0, cached = 0, unknown = 0, failed = 0;
        long calls = 0, tokens = 0;
        boolean callsKnown = true, tokensSeen = false;
        for (Outcome o : outcomes) {
            Answer a = o.answer();
            if (a == null) {
                failed++;
                continue;
            }
            if (a.cached()) {
                cached++;
            } else if (Provenance.LLM.equals(a.tier())) {
                llm++;
            } else if (Provenance.LEARNED.equals(a.tier())) {
                learned++;
            } else {
                unknown++;
            }
            callsKnown &= a.modelCalls() != null;
            calls += a.modelCalls() == null ? 0 : a.modelCalls();
            tokensSeen |= a.tokens() != null;
            tokens += a.tokens() == null ? 0 : a.tokens();
        }
        Latencies latency = new Latencies();
        outcomes.forEach(o -> latency.recordMillis(o.latencyMs()));
        return new Costs(llm, learned, cached, unknown, failed, callsKnown ? calls : null, tokensSeen ? tokens : null,
                latency.isEmpty() ? 0 : Math.round(latency.ms(50)), latency.isEmpty() ? 0 : Math.round(latency.ms(99)));
    }

    public int conversations() {
        return llm + learned + cached + unknown + failed;
    }

    /** Model calls per conversation, or null when unknown. */
    public Double modelCallsPerConversation() {
        return modelCalls == null || conversations() == 0 ? null : (double) modelCalls / conversations();
    }

    /** Tokens per conversation, or null when no answer reported any. */
    public Double tokensPerConversation() {
        return tokens == null || conversations() == 0 ? null : (double) tokens / conversations();
    }
}
