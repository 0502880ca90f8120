package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.core.json.Json;
import dev.triage.core.lifecycle.Failures;
import dev.triage.core.model.ClassificationResult.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Any OpenAI-compatible server: {@code POST /v1/chat/completions}. Servers differ in the
 * {@code response_format} they accept, so a 400 that names the format steps the client down once
 * per level, from {@code json_schema} to {@code json_object} to prompt-only JSON; the level that
 * worked is kept for all later calls and the change is logged once. Any other 400 (context too long,
 * content refused) is this conversation's and changes nothing for the others.
 */
public final class OpenAiClient implements LlmClient {

    /** How the answer format is asked for, strictest first. */
    public enum FormatMode { JSON_SCHEMA, JSON_OBJECT, PROMPT_ONLY }

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiClient.class);

    private final LlmHttp http;
    private final URI chatUri;
    private final String model;
    private final Map<String, String> headers;
    private final AtomicReference<FormatMode> mode = new AtomicReference<>(FormatMode.JSON_SCHEMA);

    public OpenAiClient(LlmHttp http, URI chatUri, String model, String apiKey) {
        this.http = http;
        this.chatUri = chatUri;
        this.model = model;
        this.headers = apiKey == null || apiKey.isBlank() ? Map.of() : Map.of("Authorization", "Bearer " + apiKey);
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public String provider() {
        return "openai";
    }

    @Override
    public CompletableFuture<LlmAnswer> chat(List<ChatMessage> messages, ObjectNode schema) {
        FormatMode current = mode.get();
        return http.post(chatUri, body(messages, schema, current), headers)
                .thenApply(this::answer)
                .exceptionallyCompose(error -> {
                    Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                    if (cause instanceof LlmRejectedException rejected && rejected.formatUnsupported()
                            && current != FormatMode.PROMPT_ONLY) {
                        FormatMode lower = FormatMode.values()[current.ordinal() + 1];
                        if (mode.compareAndSet(current, lower)) {
                            LOG.warn("{} rejected response_format {} (HTTP {}); using {} from now on", chatUri,
                                    current, rejected.httpStatus(), lower);
                        }
                        return chat(messages, schema);
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    private ObjectNode body(List<ChatMessage> messages, ObjectNode schema, FormatMode format) {
        ObjectNode body = Json.mapper().createObjectNode().put("model", model).put("temperature", 0);
        body.set("messages", Json.mapper().valueToTree(messages));
        switch (format) {
            case JSON_SCHEMA -> body.set("response_format", Json.mapper().valueToTree(Map.of("type", "json_schema",
                    "json_schema", Map.of("name", "classification", "strict", true, "schema", schema))));
            case JSON_OBJECT -> body.set("response_format", Json.mapper().valueToTree(Map.of("type", "json_object")));
            case PROMPT_ONLY -> { }
        }
        return body;
    }

    private LlmAnswer answer(LlmHttp.Reply reply) {
        JsonNode content = reply.body().path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw new LlmTransientException("answer has no choices[0].message.content", reply.status(), null, null);
        }
        JsonNode usage = reply.body().get("usage");
        Tokens tokens = usage == null ? null
                : new Tokens(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt());
        return new LlmAnswer(content.asText(), reply.status(), tokens);
    }
}
