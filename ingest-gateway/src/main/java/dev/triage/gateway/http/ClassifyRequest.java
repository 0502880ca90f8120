package dev.triage.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.model.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A validated conversation as posted to {@code /classify} or {@code /conversations}:
 * {@code {"conversation_number": "123", "messages": [{"sender": "customer", "text": "..."}]}}.
 * Unknown fields are ignored (clients may send more than we read); a missing
 * {@code conversation_number} is generated. Anything else wrong, or beyond the
 * {@link RequestLimits}, is an {@link ApiException} 400 that says which field and why.
 */
public record ClassifyRequest(String conversationNumber, List<Message> messages) {

    public static ClassifyRequest parse(byte[] body, RequestLimits limits) {
        return of(root(body), "", limits);
    }

    /** The body as JSON, or a 400 that says why it is not. */
    static JsonNode root(byte[] body) {
        try {
            return Json.tree(body);
        } catch (PayloadException e) {
            throw ApiException.validation("body is not valid JSON: " + e.getMessage());
        }
    }

    /** One conversation; {@code where} prefixes field names in messages ("conversations[2]."). */
    static ClassifyRequest of(JsonNode node, String where, RequestLimits limits) {
        if (!node.isObject()) {
            throw ApiException.validation((where.isEmpty() ? "body" : where.substring(0, where.length() - 1))
                    + " must be a JSON object, was " + kind(node));
        }
        return new ClassifyRequest(conversationNumber(node.get("conversation_number"), where),
                messages(node.get("messages"), where, limits));
    }

    private static String conversationNumber(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return UUID.randomUUID().toString();
        }
        String field = where + "conversation_number";
        if (!node.isTextual() && !node.isIntegralNumber()) {
            throw ApiException.validation(field + " must be a string or an integer, was " + kind(node));
        }
        String value = node.asText().strip();
        if (value.isEmpty()) {
            throw ApiException.validation(field + " must not be empty");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.validation(field + " must not contain control characters");
        }
        if (value.length() > RequestLimits.MAX_ID_CHARS) {
            throw ApiException.validation(field + " must be at most " + RequestLimits.MAX_ID_CHARS + " characters");
        }
        return value;
    }

    private static List<Message> messages(JsonNode node, String where, RequestLimits limits) {
        String field = where + "messages";
        if (node == null || node.isNull()) {
            throw ApiException.validation(field + " is required");
        }
        if (!node.isArray()) {
            throw ApiException.validation(field + " must be an array, was " + kind(node));
        }
        if (node.isEmpty()) {
            throw ApiException.validation(field + " must not be empty");
        }
        if (node.size() > limits.maxMessages()) {
            throw ApiException.validation(field + " has " + node.size() + " messages, at most "
                    + limits.maxMessages() + " are accepted (GATEWAY_MAX_MESSAGES)");
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String at = field + "[" + i + "]";
            if (!m.isObject()) {
                throw ApiException.validation(at + " must be an object, was " + kind(m));
            }
            messages.add(new Message(sender(m, at, limits), text(m, at, limits)));
        }
        return messages;
    }

    private static String sender(JsonNode message, String at, RequestLimits limits) {
        String sender = string(message, "sender", at).strip().toLowerCase(Locale.ROOT);
        if (!limits.allowedSenders().contains(sender)) {
            throw ApiException.validation(at + ".sender must be one of " + limits.allowedSenders().stream().sorted().toList()
                    + ", was '" + truncate(sender) + "'");
        }
        return sender;
    }

    private static String text(JsonNode message, String at, RequestLimits limits) {
        String text = string(message, "text", at);
        if (text.indexOf('\u0000') >= 0) {
            // NUL ends strings in C-based model servers and corrupts logs; no real message holds one
            throw ApiException.validation(at + ".text must not contain NUL characters");
        }
        if (text.length() > limits.maxTextChars()) {
            throw ApiException.validation(at + ".text has " + text.length() + " characters, at most "
                    + limits.maxTextChars() + " are accepted (GATEWAY_MAX_TEXT_CHARS)");
        }
        return text;
    }

    private static String string(JsonNode message, String field, String at) {
        JsonNode node = message.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.validation(at + "." + field + " is required");
        }
        if (!node.isTextual()) {
            throw ApiException.validation(at + "." + field + " must be a string, was " + kind(node));
        }
        if (Message.isEmptyText(node.asText())) {
            throw ApiException.validation(at + "." + field + " must not be empty");
        }
        return node.asText();
    }

    private static String truncate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
