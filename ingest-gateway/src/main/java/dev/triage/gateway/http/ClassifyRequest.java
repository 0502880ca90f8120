package dev.triage.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.model.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A validated {@code POST /classify} body: {@code {"conversation_number": "123", "messages":
 * [{"sender": "customer", "text": "..."}]}}. Unknown fields are ignored; a missing
 * {@code conversation_number} is generated. Anything else wrong is an {@link ApiException} 400
 * that says which field and why.
 */
public record ClassifyRequest(String conversationNumber, List<Message> messages) {

    public static ClassifyRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = Json.tree(body);
        } catch (PayloadException e) {
            throw ApiException.validation("body is not valid JSON: " + e.getMessage());
        }
        if (!root.isObject()) {
            throw ApiException.validation("body must be a JSON object, was " + kind(root));
        }
        return new ClassifyRequest(conversationNumber(root.get("conversation_number")), messages(root.get("messages")));
    }

    private static String conversationNumber(JsonNode node) {
        if (node == null || node.isNull()) {
            return UUID.randomUUID().toString();
        }
        if (!node.isTextual() && !node.isIntegralNumber()) {
            throw ApiException.validation("conversation_number must be a string or an integer, was " + kind(node));
        }
        String value = node.asText().strip();
        if (value.isEmpty()) {
            throw ApiException.validation("conversation_number must not be empty");
        }
        return value;
    }

    private static List<Message> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.validation("messages is required");
        }
        if (!node.isArray()) {
            throw ApiException.validation("messages must be an array, was " + kind(node));
        }
        if (node.isEmpty()) {
            throw ApiException.validation("messages must not be empty");
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                throw ApiException.validation("messages[" + i + "] must be an object, was " + kind(m));
            }
            messages.add(new Message(text(m, "sender", i), text(m, "text", i)));
        }
        return messages;
    }

    private static String text(JsonNode message, String field, int index) {
        JsonNode node = message.get(field);
        String where = "messages[" + index + "]." + field;
        if (node == null || node.isNull()) {
            throw ApiException.validation(where + " is required");
        }
        if (!node.isTextual()) {
            throw ApiException.validation(where + " must be a string, was " + kind(node));
        }
        if (node.asText().isBlank()) {
            throw ApiException.validation(where + " must not be empty");
        }
        return node.asText();
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
