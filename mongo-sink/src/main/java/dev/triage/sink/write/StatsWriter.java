package dev.triage.sink.write;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.model.StatCount;
import dev.triage.core.mongo.Publishers;
import org.bson.Document;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps the latest count of each (window, label) in the {@code stats} collection: one document per
 * stats key, replaced by every newer count (idempotent under redelivery). A count of 0 (every
 * result with that label in that window was classified again into another) removes the document,
 * so that {@code GET /stats} lists only labels that have results.
 */
public final class StatsWriter {

    private final MongoCollection<Document> stats;

    public StatsWriter(MongoCollection<Document> stats) {
        this.stats = stats;
    }

    public CompletableFuture<Void> write(List<StatCount> counts) {
        Map<String, StatCount> latest = new LinkedHashMap<>();
        counts.forEach(c -> latest.put(c.key(), c));
        if (latest.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<WriteModel<Document>> writes = latest.values().stream().map(StatsWriter::write).toList();
        return Publishers.first(stats.bulkWrite(writes, new BulkWriteOptions().ordered(false))).thenApply(done -> null);
    }

    private static WriteModel<Document> write(StatCount c) {
        if (c.count() == 0) {
            return new DeleteOneModel<>(Filters.eq("_id", c.key()));
        }
        return new ReplaceOneModel<>(Filters.eq("_id", c.key()), new Document("_id", c.key()).append("window", c.window())
                .append("window_start", Date.from(c.windowStart())).append("window_end", Date.from(c.windowEnd()))
                .append("dimension", c.dimension()).append("label", c.label()).append("count", c.count()),
                new ReplaceOptions().upsert(true));
    }
}
