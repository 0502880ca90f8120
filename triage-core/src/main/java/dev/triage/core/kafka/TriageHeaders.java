package dev.triage.core.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/** Names of the Kafka headers of the pipeline, and UTF-8 helpers to read and write them. */
public final class TriageHeaders {

    // Synchronous request-reply (set by the gateway on a conversation).
    public static final String CORRELATION_ID = "triage-correlation-id";
    public static final String REPLY_TO = "triage-reply-to";
    public static final String REPLY_PARTITION = "triage-reply-partition";
    /** Epoch milliseconds after which the caller no longer waits for a reply. */
    public static final String DEADLINE = "triage-deadline";

    // Dead-letter contract, version DLQ_VERSION.
    public static final String DLQ_VERSION = "triage-dlq-version";
    public static final String ERROR_CODE = "triage-error-code";
    public static final String ERROR_MESSAGE = "triage-error-message";
    public static final String ERROR_CLASS = "triage-error-class";
    public static final String ATTEMPTS = "triage-attempts";
    public static final String ORIGINAL_TOPIC = "triage-original-topic";
    public static final String ORIGINAL_PARTITION = "triage-original-partition";
    public static final String ORIGINAL_OFFSET = "triage-original-offset";
    public static final String FAILED_AT = "triage-failed-at";
    public static final String STAGE = "triage-stage";
    public static final String REPLAY_COUNT = "triage-replay-count";
    public static final String MODEL = "triage-model";
    public static final String HTTP_STATUS = "triage-http-status";
    public static final String LLM_OUTPUT = "triage-llm-output";
    /** On a dead letter {@code replay-dlq} put back unchosen: its query was marked failed by the original already. */
    public static final String KEPT = "triage-kept";

    private TriageHeaders() {
    }

    /** The last value of header {@code name} as UTF-8 text, or null when absent. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static void put(Headers headers, String name, Object value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
