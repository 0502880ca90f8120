package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Sends one conversation to {@code POST /classify} under the {@link RetryAfterPolicy} and says
 * what became of it. Transport failures of the JDK client ({@link IOException}s) become
 * {@code ConnectionError} or {@code Timeout} outcomes; anything else is a bug and fails the future.
 */
final class ClassifyClient {

    private static final int EXCERPT = 200;

    private final HttpClient http;
    private final SendConfig config;
    private final RetryAfterPolicy policy;

    ClassifyClient(HttpClient http, SendConfig config, RetryAfterPolicy policy) {
        this.http = http;
        this.config = config;
        this.policy = policy;
    }

    /**
     * {@code GET /health} next to {@code /classify}, once before sending: why the gateway cannot be
     * used (nothing listening, a gateway that says it is down and why, not a triage gateway), or
     * empty when it answered 200.
     */
    static Optional<String> unusable(HttpClient http, SendConfig config) throws InterruptedException {
        URI health = config.classifyUri().resolve("health");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(health).timeout(config.timeout()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return Optional.empty();
            }
            String down = downReason(response);
            return Optional.of(down != null ? "the gateway at " + config.classifyUri().resolve("/") + " is down: " + down
                    : "GET " + health + " answered " + response.statusCode() + " (is --url a triage gateway?)");
        } catch (IOException e) {
            return Optional.of("cannot reach " + health + ": " + why(e));
        }
    }

    /** The reason of a gateway's {@code 503 {"status": "down", "reason": ...}}, or null for any other answer. */
    private static String downReason(HttpResponse<String> response) {
        if (response.statusCode() != 503) {
            return null;
        }
        try {
            JsonNode body = Json.tree(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "down".equals(body.path("status").asText()) ? body.path("reason").asText() : null;
        } catch (dev.triage.core.json.PayloadException e) {
            return null;
        }
    }

    CompletableFuture<Outcome> send(JsonNode conversation) {
        byte[] body = Json.encode(conversation);
        return policy.call(() -> attempt(body)).handle((answer, error) -> {
            if (error != null) {
                return transportFailure(error);
            }
            return answer.status() == 200 ? classified(answer) : rejected(answer);
        });
    }

    private CompletionStage<Answer> attempt(byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.classifyUri())
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.apiKey() != null) {
            request.header("Authorization", "Bearer " + config.apiKey());
        }
        long started = System.nanoTime();
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> Answer.of(response, (System.nanoTime() - started) / 1_000_000));
    }

    private static Outcome classified(Answer answer) {
        try {
            return Outcome.ok(Json.tree(answer.body().getBytes(StandardCharsets.UTF_8)), answer.latencyMs());
        } catch (PayloadException e) {
            return Outcome.failed("InvalidResponse", "200 with a body that is not JSON: " + e.getMessage(),
                    answer.latencyMs());
        }
    }

    /** The error in the gateway's format {@code {"error": {"type", "message"}}}, or the status and an excerpt. */
    private static Outcome rejected(Answer answer) {
        JsonNode error;
        try {
            error = Json.tree(answer.body().getBytes(StandardCharsets.UTF_8)).path("error");
        } catch (PayloadException e) {
            error = null;
        }
        if (error != null && error.path("type").isTextual()) {
            return Outcome.failed(error.get("type").asText(), error.path("message").asText(""), answer.latencyMs());
        }
        String body = answer.body().strip();
        return Outcome.failed("HTTP " + answer.status(),
                body.length() <= EXCERPT ? body : body.substring(0, EXCERPT) + "...", answer.latencyMs());
    }

    private Outcome transportFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (!(cause instanceof IOException)) {
            throw error instanceof CompletionException c ? c : new CompletionException(cause);
        }
        if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
            return Outcome.failed("Timeout", "no answer within " + config.timeout().toMillis() + " ms", null);
        }
        return Outcome.failed("ConnectionError", "cannot reach " + config.classifyUri() + ": " + why(cause), null);
    }

    private static String why(Throwable cause) {
        if (cause instanceof ConnectException) {
            return "connection refused (is the gateway running there?)";
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "no connection within the timeout";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
