package dev.triage.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.model.Message;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers from a running gateway: {@code POST /classify}, one conversation each. It reads
 * {@code classification} and {@code provenance}. The answer does not say how many model calls an LLM
 * answer took, so those are unknown (reported as such, not as 0); learned and cached answers took none.
 * Any status but 200, or a body without the three labels, fails that conversation with the reason.
 */
final class GatewayAnswers {

    /** A conversation the gateway did not classify. */
    static final class GatewayRefusedException extends RuntimeException {
        GatewayRefusedException(String message) {
            super(message);
        }
    }

    private static final int EXCERPT = 200;

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    GatewayAnswers(HttpClient http, URI base, Duration timeout) {
        this.http = http;
        this.base = base;
        this.timeout = timeout;
    }

    /** Why the gateway cannot be used ({@code GET /health} not 200, nothing listening), or empty. */
    Optional<String> unusable() throws InterruptedException {
        URI health = base.resolve("/health");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(health).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.empty()
                    : Optional.of("GET " + health + " answered " + response.statusCode() + ": " + excerpt(response.body()));
        } catch (IOException e) {
            String why = e instanceof ConnectException ? "connection refused (is the gateway running there?)"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return Optional.of("cannot reach the gateway at " + base + ": " + why);
        }
    }

    CompletableFuture<Answer> answer(LabelledConversation conversation) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/classify")).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body(conversation)))).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(GatewayAnswers::answer);
    }

    private static ObjectNode body(LabelledConversation conversation) {
        ObjectNode body = Json.mapper().createObjectNode().put("conversation_number", conversation.id());
        ArrayNode messages = body.putArray("messages");
        for (Message m : conversation.messages()) {
            messages.addObject().put("sender", m.sender()).put("text", m.text());
        }
        return body;
    }

    static Answer answer(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new GatewayRefusedException("HTTP " + response.statusCode() + ": " + excerpt(response.body()));
        }
        JsonNode body;
        try {
            body = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        } catch (PayloadException e) {
            throw new GatewayRefusedException("200 with a body that is not JSON: " + e.getMessage());
        }
        JsonNode classification = body.path("classification");
        Map<String, String> labels = new LinkedHashMap<>();
        for (String kind : LabelledConversation.KINDS) {
            if (!classification.path(kind).isTextual()) {
                throw new GatewayRefusedException("200 without classification." + kind + ": " + excerpt(response.body()));
            }
            labels.put(kind, classification.get(kind).asText());
        }
        JsonNode provenance = body.path("provenance");
        String tier = provenance.path("tier").isTextual() ? provenance.get("tier").asText() : null;
        boolean cached = provenance.path("cached").asBoolean(false);
        boolean paid = "llm".equals(tier) && !cached;
        Integer calls = !paid && tier != null ? Integer.valueOf(0) : null;
        Double minConfidence = null;
        for (JsonNode c : provenance.path("confidence")) {
            minConfidence = minConfidence == null ? c.asDouble() : Math.min(minConfidence, c.asDouble());
        }
        return new Answer(labels, tier, cached, calls, null, minConfidence);
    }

    private static String excerpt(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT) + "...";
    }
}
