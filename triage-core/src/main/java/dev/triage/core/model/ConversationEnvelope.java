package dev.triage.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A conversation to classify, as written to the conversations topic.
 *
 * @param v           schema version of this record, {@link #VERSION}
 * @param id          conversation number (API) or query {@code _id} as a string (MongoDB)
 * @param idType      BSON type of the original {@code _id}
 * @param source      where it came from
 * @param messages    the turns, oldest first; never empty
 * @param metadata    free-form metadata of the query, passed through
 * @param receivedAt  when the pipeline first saw it
 */
public record ConversationEnvelope(
        int v,
        String id,
        IdType idType,
        Source source,
        List<Message> messages,
        Map<String, Object> metadata,
        Instant receivedAt) {

    public static final int VERSION = 1;

    public ConversationEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(idType, "id_type");
        Objects.requireNonNull(source, "source");
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        Objects.requireNonNull(receivedAt, "received_at");
    }

    public static ConversationEnvelope of(String id, IdType idType, Source source, List<Message> messages,
                                          Map<String, Object> metadata, Instant receivedAt) {
        return new ConversationEnvelope(VERSION, id, idType, source, messages, metadata, receivedAt);
    }
}
