package dev.triage.classifier;

import dev.triage.core.kafka.ErrorCode;

/**
 * A conversation that cannot be classified through its own fault; the worker dead-letters it
 * with {@link #code()} and the model's details (which go into the dead-letter headers).
 */
public class RecordRejectedException extends RuntimeException {

    private final ErrorCode code;
    private final int attempts;
    private final String model;
    private final int httpStatus;
    private final String llmOutput;

    /**
     * @param attempts   model answers received (0 when the model was not asked)
     * @param model      the model asked, or null
     * @param httpStatus HTTP status of the last answer, or 0
     * @param llmOutput  the last raw answer, or null
     */
    public RecordRejectedException(ErrorCode code, String message, int attempts, String model, int httpStatus,
                                   String llmOutput) {
        super(message);
        this.code = code;
        this.attempts = attempts;
        this.model = model;
        this.httpStatus = httpStatus;
        this.llmOutput = llmOutput;
    }

    public ErrorCode code() {
        return code;
    }

    public int attempts() {
        return attempts;
    }

    public String model() {
        return model;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String llmOutput() {
        return llmOutput;
    }
}
