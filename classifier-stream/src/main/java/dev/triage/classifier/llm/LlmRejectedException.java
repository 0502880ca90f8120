package dev.triage.classifier.llm;

/**
 * The model server refused this particular conversation (HTTP 400, 413, 422: too long for the
 * context, content refused). Record-caused: dead-lettered, never retried.
 */
public class LlmRejectedException extends RuntimeException {

    private final int httpStatus;
    private final String body;

    /** @param body the start of the server's answer, which says why */
    public LlmRejectedException(String message, int httpStatus, String body) {
        super(message);
        this.httpStatus = httpStatus;
        this.body = body;
    }

    /**
     * Whether the server refused the {@code response_format} asked for rather than the conversation.
     * Servers give no code for it, only a message naming the parameter.
     */
    public boolean formatUnsupported() {
        String text = body.toLowerCase(java.util.Locale.ROOT);
        return text.contains("response_format") || text.contains("json_schema") || text.contains("json_object");
    }

    public int httpStatus() {
        return httpStatus;
    }
}
