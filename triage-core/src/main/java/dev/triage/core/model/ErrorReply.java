package dev.triage.core.model;

/**
 * What a synchronous caller gets on the reply topic when its conversation could not be
 * classified for its own reason; marked with the {@code triage-error-code} header.
 *
 * @param code    an {@link dev.triage.core.kafka.ErrorCode} name
 * @param message why, for a person
 */
public record ErrorReply(String code, String message) {
}
