package dev.triage.classifier.llm;

import dev.triage.core.model.ClassificationResult.Tokens;

/**
 * What the model server answered to one chat call.
 *
 * @param content    the assistant message text, to be validated
 * @param httpStatus HTTP status of the answer
 * @param tokens     token counts when the server reported them, else null
 */
public record LlmAnswer(String content, int httpStatus, Tokens tokens) {
}
