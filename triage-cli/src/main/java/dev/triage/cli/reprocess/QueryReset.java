package dev.triage.cli.reprocess;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Resets queries so that the pipeline classifies them again. The contract with the relay: one
 * {@code updateMany} that sets {@code processed: false} and {@code requeued_at} (now) and unsets
 * {@code status} and {@code last_error}. The relay publishes such an update (a real replica set
 * names the fields it set; on the embedded server the document is unprocessed and not failed),
 * the classifier classifies it and the sink marks it processed again.
 */
final class QueryReset {

    /** How many ids a dry run shows. */
    static final int SAMPLE = 10;
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private final MongoCollection<Document> queries;
    private final Clock clock;

    QueryReset(MongoCollection<Document> queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    /** Counts the selected queries and takes the first few ids; changes nothing. */
    Result preview(Selection selection) {
        Bson filter = selection.filter();
        long matched = queries.countDocuments(filter);
        List<Object> ids = new ArrayList<>();
        queries.find(filter).projection(Projections.include("_id")).limit(SAMPLE).forEach(d -> ids.add(d.get("_id")));
        return new Result(matched, 0, ids, true);
    }

    /** Resets the selected queries in one {@code updateMany}. */
    Result reset(Selection selection) {
        UpdateResult result = queries.updateMany(selection.filter(), Updates.combine(
                Updates.set("processed", false),
                Updates.set("requeued_at", Date.from(clock.instant())),
                Updates.unset("status"),
                Updates.unset("last_error")));
        return new Result(result.getMatchedCount(), result.getModifiedCount(), List.of(), false);
    }

    /** What was (or, in a dry run, would be) reset. */
    record Result(long matched, long reset, List<Object> sampleIds, boolean dryRun) {

        /** {@code {"matched": n, "reset": n}}, and for a dry run {@code "dry_run": true} and a few ids. */
        String toJson() {
            Document json = new Document("matched", matched).append("reset", reset);
            if (dryRun) {
                json.append("dry_run", true).append("sample_ids", sampleIds);
            }
            return json.toJson(RELAXED);
        }
    }
}
