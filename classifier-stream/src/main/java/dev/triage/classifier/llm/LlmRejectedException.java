package dev.triage.classifier.llm;

/**
 * The model server refused this particular conversation (HTTP 400, 413, 422: too long for the
 * context, content refused). Record-caused: dead-lettered, never retried.
 */
public class LlmRejectedException extends RuntimeException {

    private final int httpStatus;

    public LlmRejectedException(String message, int httpStatus) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
