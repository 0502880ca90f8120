package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An OpenAI {@code /v1/chat/completions} answer. */
final class OpenAiShape {

    private OpenAiShape() {
    }

    static Map<String, Object> of(JsonNode request, String content) {
        int prompt = request.path("messages").toString().length() / 4;
        int completion = content.length() / 4;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", "chatcmpl-" + UUID.randomUUID());
        body.put("object", "chat.completion");
        body.put("model", request.path("model").asText());
        body.put("choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                "message", Map.of("role", "assistant", "content", content))));
        body.put("usage", Map.of("prompt_tokens", prompt, "completion_tokens", completion,
                "total_tokens", prompt + completion));
        return body;
    }
}
