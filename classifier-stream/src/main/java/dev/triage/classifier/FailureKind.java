package dev.triage.classifier;

import dev.triage.classifier.llm.LlmTransientException;
import dev.triage.classifier.llm.LlmUnavailableException;

import java.util.concurrent.TimeoutException;

/**
 * What a record's failed try says, by the failure's type (never its message). The worker acts on it:
 * record-caused failures ({@link RecordRejectedException}) never get here, they end in the dead-letter
 * topic at once.
 */
public enum FailureKind {

    /**
     * The server asked to slow down (429): the record is tried again, the try not counted unless
     * the server answered other records meanwhile (then only this record meets its limit).
     */
    BACKPRESSURE,

    /**
     * This record's model calls failed after their retries (5xx, timeouts, no content). If other
     * records succeeded meanwhile, the try counts against {@code LLM_RECORD_MAX_ATTEMPTS}; if none did,
     * it is an outage.
     */
    CALLS_FAILED,

    /** Nobody can be served now: the breaker is open, the server refuses everyone, or Kafka is away. */
    OUTAGE;

    /** The kind of {@code cause}, already unwrapped. */
    public static FailureKind of(Throwable cause) {
        if (cause instanceof LlmTransientException t) {
            return t.rateLimited() ? BACKPRESSURE : CALLS_FAILED;
        }
        if (cause instanceof TimeoutException) {
            return CALLS_FAILED;
        }
        return OUTAGE;
    }

    /** The HTTP status of the model's last answer to a failed call, or 0. */
    public static int httpStatus(Throwable cause) {
        if (cause instanceof LlmTransientException t) {
            return t.httpStatus();
        }
        return cause instanceof LlmUnavailableException u ? u.httpStatus() : 0;
    }
}
