package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.core.json.Json;
import dev.triage.core.model.ClassificationResult.Tokens;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Ollama's native API: {@code POST /api/chat} with {@code stream: false}, the answer schema in
 * {@code format} and temperature 0.
 */
public final class OllamaClient implements LlmClient {

    private final LlmHttp http;
    private final URI chatUri;
    private final String model;

    public OllamaClient(LlmHttp http, URI chatUri, String model) {
        this.http = http;
        this.chatUri = chatUri;
        this.model = model;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public String provider() {
        return "ollama";
    }

    @Override
    public CompletableFuture<LlmAnswer> chat(List<ChatMessage> messages, ObjectNode schema) {
        ObjectNode body = Json.mapper().createObjectNode()
                .put("model", model)
                .put("stream", false);
        body.set("messages", Json.mapper().valueToTree(messages));
        body.set("format", schema);
        body.set("options", Json.mapper().valueToTree(Map.of("temperature", 0)));
        return http.post(chatUri, body, Map.of()).thenApply(reply -> {
            JsonNode content = reply.body().path("message").path("content");
            if (!content.isTextual()) {
                throw new LlmTransientException("Ollama answer has no message.content", reply.status(), null, null);
            }
            JsonNode prompt = reply.body().get("prompt_eval_count");
            JsonNode completion = reply.body().get("eval_count");
            Tokens tokens = prompt != null && completion != null ? new Tokens(prompt.asInt(), completion.asInt()) : null;
            return new LlmAnswer(content.asText(), reply.status(), tokens);
        });
    }
}
