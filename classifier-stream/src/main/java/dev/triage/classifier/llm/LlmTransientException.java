package dev.triage.classifier.llm;

import java.time.Duration;

/**
 * A failure that may pass if asked again: HTTP 429 or 5xx, a timeout, a refused connection, an
 * answer without content. Retried by the {@link LlmPolicy}. A 429 is the server asking to slow
 * down ({@link #rateLimited()}): never a breaker failure, never a dead letter. Any other that
 * persists after the retries is a failed attempt of the record's, or part of an outage: the
 * worker tells which by whether other records succeed meanwhile.
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

    /** HTTP 429: the server's rate limit, backpressure. */
    public boolean rateLimited() {
        return httpStatus == 429;
    }

}
