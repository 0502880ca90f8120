package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What became of one conversation: the gateway's 200 body, or an error type and message.
 *
 * @param result    the parsed 200 body, null on failure
 * @param errorType the server's {@code error.type}, {@code ConnectionError}, {@code Timeout},
 *                  {@code InvalidResponse} or {@code HTTP <status>}; null on success
 * @param message   why it failed, null on success
 * @param latencyMs of the last HTTP request, null when no answer came
 */
record Outcome(JsonNode result, String errorType, String message, Long latencyMs) {

    static Outcome ok(JsonNode result, long latencyMs) {
        return new Outcome(result, null, null, latencyMs);
    }

    static Outcome failed(String errorType, String message, Long latencyMs) {
        return new Outcome(null, errorType, message, latencyMs);
    }

    boolean isOk() {
        return result != null;
    }
}
