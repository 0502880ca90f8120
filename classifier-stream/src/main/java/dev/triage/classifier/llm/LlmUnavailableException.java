package dev.triage.classifier.llm;

/**
 * The model server cannot serve anyone right now, and asking again at once will not help:
 * HTTP 401/403 (credentials), 404 (model or endpoint missing), other unexpected statuses.
 * Not retried per call; the worker stops consuming and waits until calls succeed again.
 */
public class LlmUnavailableException extends RuntimeException {

    private final int httpStatus;

    public LlmUnavailableException(String message, int httpStatus) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
