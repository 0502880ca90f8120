package dev.triage.classifier.llm;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;

import java.util.Locale;

/**
 * How one answer asked of the model ended, the {@code outcome} tag of {@code triage.llm.calls}.
 * Decided by the failure's type, as everywhere else in the classifier.
 */
enum LlmOutcome {
    /** An answer that passed validation. */
    SUCCESS,
    /** An answer came back but did not validate against the taxonomy. */
    BAD_OUTPUT,
    /** The server refused this conversation ({@link LlmRejectedException}). */
    REJECTED,
    /** Failures that may pass ({@link LlmTransientException}, timeouts), left after the retries. */
    TRANSIENT,
    /** The server cannot serve anyone ({@link LlmUnavailableException}) or the circuit breaker is open. */
    UNAVAILABLE,
    /** Any other failure: a bug, not the server's doing. */
    ERROR;

    /** The tag value: the name in lower case. */
    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome of a call that failed with {@code cause} (already unwrapped). */
    static LlmOutcome of(Throwable cause) {
        if (cause instanceof LlmRejectedException) {
            return REJECTED;
        }
        if (LlmPolicy.isTransient(cause)) {
            return TRANSIENT;
        }
        if (cause instanceof LlmUnavailableException || cause instanceof CallNotPermittedException) {
            return UNAVAILABLE;
        }
        return ERROR;
    }
}
