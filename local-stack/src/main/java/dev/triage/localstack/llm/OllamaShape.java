package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** An Ollama {@code /api/chat} answer (non-streaming). */
final class OllamaShape {

    private OllamaShape() {
    }

    static Map<String, Object> of(JsonNode request, String content) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", request.path("model").asText());
        body.put("created_at", Instant.now().toString());
        body.put("message", Map.of("role", "assistant", "content", content));
        body.put("done", true);
        body.put("prompt_eval_count", request.path("messages").toString().length() / 4);
        body.put("eval_count", content.length() / 4);
        return body;
    }
}
