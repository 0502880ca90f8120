package dev.triage.classifier;

import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult.Tokens;

/**
 * A classifier's answer with its cost.
 *
 * @param classification the labels, each from the taxonomy
 * @param attempts       model calls it took (1 for the offline classifier)
 * @param latencyMs      time spent waiting for the model
 * @param tokens         token counts if the server reported them, else null
 */
public record Labels(Classification classification, int attempts, long latencyMs, Tokens tokens) {
}
