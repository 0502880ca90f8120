package dev.triage.core.json;

/**
 * A payload that cannot be turned into the record it should be. This is the record's own fault:
 * retrying will not help, so callers dead-letter it (stream) or answer 400 (HTTP).
 */
public class PayloadException extends RuntimeException {
    public PayloadException(String message) {
        super(message);
    }

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
