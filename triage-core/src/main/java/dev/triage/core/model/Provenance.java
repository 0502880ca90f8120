package dev.triage.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which classifier answered and how sure it was, so a reader can tell a model's labels from the
 * learned fallback's and a cached answer from a fresh one.
 *
 * @param tier       {@link #LLM} or {@link #LEARNED}: who produced the labels
 * @param confidence per label kind, the learned classifier's probability of its label; null for the LLM,
 *                   which reports none
 * @param cached     true when the labels were reused from an identical conversation instead of computed
 *                   (missing on the wire = false)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Provenance(String tier, Map<String, Double> confidence, Boolean cached) {

    public static final String LLM = "llm";
    public static final String LEARNED = "learned";

    public Provenance {
        Objects.requireNonNull(tier, "tier");
        cached = Boolean.TRUE.equals(cached);
        confidence = confidence == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(confidence)); // kinds in order
    }

    public static Provenance llm() {
        return new Provenance(LLM, null, false);
    }

    public static Provenance learned(Map<String, Double> confidence) {
        return new Provenance(LEARNED, confidence, false);
    }

    /** The same answer, marked as reused from the cache. */
    public Provenance asCached() {
        return new Provenance(tier, confidence, true);
    }
}
