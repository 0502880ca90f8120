package dev.triage.cli.send;

import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One HTTP answer from the gateway: what the retry policy and the result mapping look at.
 *
 * @param status     HTTP status
 * @param body       response body
 * @param retryAfter the {@code Retry-After} header in whole seconds, or null when absent or an HTTP date
 * @param latencyMs  from sending the request to the whole body read
 */
record Answer(int status, String body, Duration retryAfter, long latencyMs) {

    static Answer of(HttpResponse<String> response, long latencyMs) {
        Duration retryAfter = response.headers().firstValue("Retry-After").map(Answer::seconds).orElse(null);
        return new Answer(response.statusCode(), response.body(), retryAfter, latencyMs);
    }

    private static Duration seconds(String value) {
        try {
            long seconds = Long.parseLong(value.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
