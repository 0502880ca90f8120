package dev.triage.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of classifying one conversation, as written to the classifications and reply topics.
 *
 * @param v               schema version of this record, {@link #VERSION}
 * @param id              same id as the envelope
 * @param idType          same id type as the envelope, so the sink finds the query
 * @param source          same source as the envelope
 * @param classification  the labels
 * @param model           which model produced them ({@code offline} for the keyword classifier)
 * @param taxonomyVersion version of the taxonomy the labels belong to
 * @param attempts        how many model calls it took
 * @param llmLatencyMs    time spent waiting for the model, in milliseconds
 * @param tokens          token counts when the model server reported them, else null
 * @param classifiedAt    when the classification finished
 * @param provenance      which classifier answered, how sure, whether from the cache; null in records
 *                        written before it existed
 */
public record ClassificationResult(
        int v,
        String id,
        IdType idType,
        Source source,
        Classification classification,
        String model,
        String taxonomyVersion,
        int attempts,
        long llmLatencyMs,
        Tokens tokens,
        Instant classifiedAt,
        Provenance provenance) {

    public static final int VERSION = 1;

    public ClassificationResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(idType, "id_type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(taxonomyVersion, "taxonomy_version");
        Objects.requireNonNull(classifiedAt, "classified_at");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
        }
    }

    /** A result that does not say where its labels come from (records written before provenance existed). */
    public ClassificationResult(int v, String id, IdType idType, Source source, Classification classification, String model,
                                String taxonomyVersion, int attempts, long llmLatencyMs, Tokens tokens, Instant classifiedAt) {
        this(v, id, idType, source, classification, model, taxonomyVersion, attempts, llmLatencyMs, tokens, classifiedAt, null);
    }

    /** Token counts reported by the model server. */
    public record Tokens(int prompt, int completion) {
    }
}
