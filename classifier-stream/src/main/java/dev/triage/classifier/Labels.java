package dev.triage.classifier;

import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult.Tokens;
import dev.triage.core.model.Provenance;

/**
 * A classifier's answer with its cost.
 *
 * @param classification the labels, each from the taxonomy
 * @param model          which model produced them (a cascade answers with either of two)
 * @param attempts       model calls it took (1 for the offline classifier)
 * @param latencyMs      time spent waiting for the model
 * @param tokens         token counts if the server reported them, else null
 * @param provenance     which classifier answered, how sure, whether from the cache
 */
public record Labels(Classification classification, String model, int attempts, long latencyMs, Tokens tokens, Provenance provenance) {

    /** The same labels, marked as reused from the cache: no model call, no waiting. */
    public Labels cached() {
        return new Labels(classification, model, attempts, 0, null, provenance.asCached());
    }
}
