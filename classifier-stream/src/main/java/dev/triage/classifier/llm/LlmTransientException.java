package dev.triage.classifier.llm;

import java.time.Duration;

/**
 * A failure that may pass if asked again: HTTP 429 or 5xx, a timeout, a refused connection.
 * Retried by the {@link LlmPolicy}; if it persists, the worker waits (never dead-letters).
 */
public class LlmTransientException extends RuntimeException {

    private final int httpStatus;
    private final Duration retryAfter;

    /**
     * @param httpStatus the HTTP status, or 0 when there was no answer
     * @param retryAfter what the server asked to wait ({@code Retry-After}), or null
     */
    public LlmTransientException(String message, int httpStatus, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
