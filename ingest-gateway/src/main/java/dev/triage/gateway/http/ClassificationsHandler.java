package dev.triage.gateway.http;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.core.json.Json;
import dev.triage.core.mongo.QueryIds;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.bson.BsonValue;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /classifications/{id}}: the stored result of a conversation (sent through the API or
 * inserted into MongoDB) with {@code status: classified}, or for an API conversation that was
 * dead-lettered {@code status: failed} and the error; 404 until the sink has written either.
 */
public final class ClassificationsHandler implements Handler {

    private final MongoCollection<Document> results;

    public ClassificationsHandler(MongoCollection<Document> results) {
        this.results = results;
    }

    @Override
    public void handle(Context ctx) {
        String id = ctx.pathParam("id");
        List<BsonValue> keys = QueryIds.candidates(id);
        Document result;
        try {
            List<Document> found = results.find(Filters.in("query_id", keys)).limit(keys.size()).into(new ArrayList<>());
            // the first candidate wins: "123" is the API's conversation "123" before a query with _id 123
            result = keys.stream().flatMap(key -> found.stream().filter(r -> key.equals(r.toBsonDocument().get("query_id"))))
                    .findFirst().orElse(found.isEmpty() ? null : found.get(0));
        } catch (MongoException e) {
            throw ApiException.unavailable("stored classifications are not reachable right now, retry later", 5);
        }
        if (result == null) {
            throw new ApiException(404, "NotFound", "no classification for conversation '" + id
                    + "' yet; it appears here once it is classified and stored");
        }
        ctx.contentType("application/json").result(Json.encodeToString(body(id, result)));
    }

    private static Map<String, Object> body(String id, Document result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversation_number", id);
        if (result.get("classification") == null) {
            Document error = result.get("error", new Document());
            body.put("status", "failed");
            body.put("error", Map.of("type", error.get("code", "UNKNOWN"), "message", error.get("message", "")));
            Date failedAt = result.getDate("failed_at");
            body.put("failed_at", failedAt == null ? null : failedAt.toInstant().toString());
            return body;
        }
        body.put("status", "classified");
        body.put("classification", result.get("classification", Document.class));
        body.put("model", result.getString("model"));
        body.put("taxonomy_version", result.getString("taxonomy_version"));
        body.put("source", result.getString("source"));
        if (result.get("provenance") != null) {
            body.put("provenance", result.get("provenance", Document.class));
        }
        Date processedAt = result.getDate("processed_at");
        body.put("processed_at", processedAt == null ? null : processedAt.toInstant().toString());
        return body;
    }
}
