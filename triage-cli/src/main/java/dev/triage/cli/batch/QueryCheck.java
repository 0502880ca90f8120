package dev.triage.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;

/** What is wrong with one entry of a query file, or null when it is a usable query. */
final class QueryCheck {

    private QueryCheck() {
    }

    static String problem(JsonNode entry) {
        if (!entry.isObject()) {
            return "must be a JSON object, was " + entry.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
        JsonNode id = entry.get("_id");
        if (id != null && !id.isTextual() && !(id.isObject() && id.path("$oid").isTextual() && id.size() == 1)) {
            return "_id must be a string or {\"$oid\": \"...\"}";
        }
        JsonNode metadata = entry.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            return "metadata must be an object";
        }
        JsonNode text = entry.get("text");
        JsonNode messages = entry.get("messages");
        if (text == null && messages == null) {
            return "needs a text or messages field";
        }
        if (text != null && (!text.isTextual() || text.asText().isBlank())) {
            return "text must be a non-empty string";
        }
        return messages == null ? null : messagesProblem(messages);
    }

    private static String messagesProblem(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            return "messages must be a non-empty array";
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject() || !m.path("text").isTextual() || m.path("text").asText().isBlank()) {
                return "messages[" + i + "] must be an object with a non-empty text";
            }
            if (m.has("sender") && !m.get("sender").isTextual()) {
                return "messages[" + i + "].sender must be a string";
            }
        }
        return null;
    }
}
