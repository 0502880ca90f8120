package dev.triage.core.model;

/**
 * What a synchronous caller gets on the reply topic instead of a result, marked with the
 * {@code triage-error-code} header: its conversation could not be classified for its own reason
 * (an {@link dev.triage.core.kafka.ErrorCode}, the record is dead-lettered), or the model server
 * is away ({@link #MODEL_UNAVAILABLE}: the record is kept and classified once the server is back).
 *
 * @param code    an {@link dev.triage.core.kafka.ErrorCode} name or {@link #MODEL_UNAVAILABLE}
 * @param message why, for a person
 */
public record ErrorReply(String code, String message) {

    /** The model server did not answer (down, breaker open, retries used up); not a dead letter. */
    public static final String MODEL_UNAVAILABLE = "LLM_UNAVAILABLE";
}
