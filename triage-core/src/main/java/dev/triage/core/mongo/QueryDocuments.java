package dev.triage.core.mongo;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.triage.core.json.Json;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@code queries} document into a conversation. A plain {@code text} becomes one customer
 * message; {@code messages: [{sender, text}]} is taken as it is. Entries that are not messages are
 * left out, so a document with nothing usable becomes an empty conversation, which the classifier
 * dead-letters with its reason instead of it being lost here. An {@code _id} that cannot be carried
 * throws {@link QueryIds.UnsupportedIdException}, for the caller to mark the query failed.
 */
public final class QueryDocuments {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private QueryDocuments() {
    }

    public static ConversationEnvelope toConversation(Document query, Source source, Instant receivedAt) {
        QueryIds.WireId id = QueryIds.of(query.get("_id"));
        return ConversationEnvelope.of(id.text(), id.type(), source, messages(query),
                metadata(query.get("metadata")), receivedAt);
    }

    public static boolean isUnprocessed(Document query) {
        return !Boolean.TRUE.equals(query.get("processed"));
    }

    private static List<Message> messages(Document query) {
        List<Message> messages = new ArrayList<>();
        if (query.get("text") instanceof String text) {
            messages.add(new Message("customer", text));
        }
        if (query.get("messages") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Document m && m.get("text") instanceof String text) {
                    messages.add(new Message(m.get("sender") instanceof String s ? s : "customer", text));
                }
            }
        }
        return messages;
    }

    private static Map<String, Object> metadata(Object metadata) {
        if (!(metadata instanceof Document doc)) {
            return Map.of();
        }
        return Json.mapper().convertValue(Json.tree(doc.toJson(RELAXED).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new TypeReference<Map<String, Object>>() { });
    }
}
