package dev.triage.gateway.http;

/**
 * An HTTP error with its status and error type, rendered as {@code {"error": {"type", "message"}}};
 * with a {@code Retry-After} header when the client should simply come back later.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final long retryAfterSeconds;

    public ApiException(int status, String type, String message) {
        this(status, type, message, 0);
    }

    private ApiException(int status, String type, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException validation(String message) {
        return new ApiException(400, "ValidationError", message);
    }

    /** 503: the pipeline cannot take the request now; retrying after a pause will likely work. */
    public static ApiException unavailable(String message, long retryAfterSeconds) {
        return new ApiException(503, "Unavailable", message, retryAfterSeconds);
    }

    /** 429: this client sent more than its share. */
    public static ApiException rateLimited(String message, long retryAfterSeconds) {
        return new ApiException(429, "RateLimited", message, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** Seconds for the {@code Retry-After} header; 0 = no header. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
