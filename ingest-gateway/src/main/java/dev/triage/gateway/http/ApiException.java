package dev.triage.gateway.http;

/**
 * An HTTP error with its status and error type, rendered as {@code {"error": {"type", "message"}}}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;

    public ApiException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    public static ApiException validation(String message) {
        return new ApiException(400, "ValidationError", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
