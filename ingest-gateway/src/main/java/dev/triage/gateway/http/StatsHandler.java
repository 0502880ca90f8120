package dev.triage.gateway.http;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.triage.core.json.Json;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /stats?window=1m|1h&since=ISO}: classification counts per intent, topic and sentiment
 * in tumbling windows, oldest first, from the stats collection the sink keeps. Without
 * {@code since}: the last hour of 1-minute windows, or the last day of 1-hour windows.
 */
public final class StatsHandler implements Handler {

    private static final Map<String, Duration> DEFAULT_SPAN = Map.of("1m", Duration.ofHours(1), "1h", Duration.ofDays(1));

    private final MongoCollection<Document> stats;
    private final Clock clock;

    public StatsHandler(MongoCollection<Document> stats, Clock clock) {
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public void handle(Context ctx) {
        String window = ctx.queryParam("window") == null ? "1m" : ctx.queryParam("window");
        if (!DEFAULT_SPAN.containsKey(window)) {
            throw ApiException.validation("window must be 1m or 1h, was '" + window + "'");
        }
        Instant since = since(ctx.queryParam("since"), clock.instant().minus(DEFAULT_SPAN.get(window)));
        List<Document> counts;
        try {
            counts = stats.find(Filters.and(Filters.eq("window", window), Filters.gte("window_start", Date.from(since))))
                    .sort(Sorts.ascending("window_start")).into(new java.util.ArrayList<>());
        } catch (MongoException e) {
            throw new ApiException(503, "Unavailable", "statistics are not reachable right now, retry later");
        }
        ctx.contentType("application/json").result(Json.encodeToString(Map.of("window", window, "since", since.toString(),
                "buckets", buckets(counts))));
    }

    private static Instant since(String value, Instant fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.validation("since must be an ISO-8601 instant such as 2026-11-27T10:00:00Z, was '" + value + "'");
        }
    }

    private static List<Map<String, Object>> buckets(List<Document> counts) {
        Map<Date, Map<String, Object>> byStart = new TreeMap<>();
        for (Document c : counts) {
            Map<String, Object> bucket = byStart.computeIfAbsent(c.getDate("window_start"), start -> {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("window_start", start.toInstant().toString());
                b.put("window_end", c.getDate("window_end").toInstant().toString());
                for (String dimension : List.of("intent", "topic", "sentiment")) {
                    b.put(dimension, new TreeMap<String, Long>());
                }
                return b;
            });
            @SuppressWarnings("unchecked")
            Map<String, Long> labels = (Map<String, Long>) bucket.get(c.getString("dimension"));
            if (labels != null) {
                labels.put(c.getString("label"), ((Number) c.get("count")).longValue());
            }
        }
        return List.copyOf(byStart.values());
    }
}
