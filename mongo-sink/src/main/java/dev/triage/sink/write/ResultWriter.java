package dev.triage.sink.write;

import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.Publishers;
import dev.triage.core.mongo.QueryIds;
import org.bson.Document;

import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes classification results to MongoDB, idempotently: one unordered bulk upsert into
 * {@code results} keyed by {@code query_id}, then one bulk update marking the source queries
 * processed; and marks the queries of dead-lettered conversations failed. Every value written comes from the result itself ({@code $set}, no {@code $inc}),
 * so writing the same result twice changes nothing.
 */
public final class ResultWriter {

    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

    private final MongoCollection<Document> results;
    private final MongoCollection<Document> queries;
    private final Clock clock;

    public ResultWriter(MongoCollection<Document> results, MongoCollection<Document> queries, Clock clock) {
        this.results = results;
        this.queries = queries;
        this.clock = clock;
    }

    /** Creates the unique index on {@code results.query_id} if missing. */
    public CompletableFuture<String> createIndexes() {
        return Publishers.first(results.createIndex(Indexes.ascending("query_id"), new IndexOptions().unique(true)));
    }

    /**
     * A conversation that was dead-lettered. From MongoDB, its query gets {@code status: failed} and
     * the reason, and stays {@code processed: false} so that a replay can still finish it. From the
     * API (no query), a result document {@code {query_id, status: failed, error: {code, message},
     * failed_at}} says so to {@code GET /classifications/{id}}, until a result replaces it.
     */
    public record Failure(String id, IdType idType, Source source, String code, String message) {

        String error() {
            return code + ": " + message;
        }
    }

    /**
     * Marks what failed: queries unless they were processed meanwhile (a replay's result may be
     * written before an older dead letter is read: the two come from different topics), API
     * conversations unless they have a result already. Completes with the number marked.
     */
    public CompletableFuture<Integer> markFailed(List<Failure> failures) {
        List<WriteModel<Document>> queryUpdates = failures.stream().filter(f -> f.source() != Source.API)
                .<WriteModel<Document>>map(f -> new UpdateOneModel<>(
                        Filters.and(Filters.eq("_id", QueryIds.toBson(f.id(), f.idType())), Filters.ne("processed", true)),
                        Updates.combine(Updates.set("status", "failed"), Updates.set("last_error", f.error()),
                                Updates.set("updated_at", Date.from(clock.instant()))))).toList();
        List<WriteModel<Document>> apiFailures = failures.stream().filter(f -> f.source() == Source.API)
                .<WriteModel<Document>>map(f -> new UpdateOneModel<>(Filters.eq("query_id", f.id()), Updates.combine(
                        Updates.setOnInsert("status", "failed"),
                        Updates.setOnInsert("error", new Document("code", f.code()).append("message", f.message())),
                        Updates.setOnInsert("source", "api"),
                        Updates.setOnInsert("failed_at", Date.from(clock.instant()))), new UpdateOptions().upsert(true)))
                .toList();
        CompletableFuture<Integer> marked = queryUpdates.isEmpty() ? CompletableFuture.completedFuture(0)
                : Publishers.first(queries.bulkWrite(queryUpdates, UNORDERED)).thenApply(BulkWriteResult::getMatchedCount);
        CompletableFuture<Integer> recorded = apiFailures.isEmpty() ? CompletableFuture.completedFuture(0)
                : Publishers.first(results.bulkWrite(apiFailures, UNORDERED)).thenApply(r -> r.getUpserts().size());
        return marked.thenCombine(recorded, Integer::sum);
    }

    /** Completes when both bulk writes are acknowledged; fails if MongoDB could not take them. */
    public CompletableFuture<Void> write(List<ClassificationResult> batch) {
        List<ClassificationResult> latest = latestPerQuery(batch);
        if (latest.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<WriteModel<Document>> queryUpdates = latest.stream()
                .filter(r -> r.source() != Source.API).map(this::markProcessed).toList();
        return Publishers.first(results.bulkWrite(latest.stream().map(ResultWriter::upsert).toList(), UNORDERED))
                .thenCompose(done -> queryUpdates.isEmpty() ? CompletableFuture.completedFuture(null)
                        : Publishers.first(queries.bulkWrite(queryUpdates, UNORDERED)))
                .thenApply(done -> null);
    }

    private static WriteModel<Document> upsert(ClassificationResult r) {
        Object queryId = QueryIds.toBson(r.id(), r.idType());
        Document classification = new Document("intent", r.classification().intent())
                .append("topic", r.classification().topic())
                .append("sentiment", r.classification().sentiment());
        return new UpdateOneModel<>(Filters.eq("query_id", queryId), Updates.combine(
                Updates.set("classification", classification),
                Updates.set("processed_at", Date.from(r.classifiedAt())),
                Updates.set("model", r.model()),
                Updates.set("source", r.source().name().toLowerCase(java.util.Locale.ROOT)),
                Updates.set("taxonomy_version", r.taxonomyVersion()),
                Updates.set("attempts", r.attempts()),
                Updates.set("llm_latency_ms", r.llmLatencyMs()),
                Updates.unset("status"), Updates.unset("error"), Updates.unset("failed_at")), // an API failure, replayed
                new UpdateOptions().upsert(true));
    }

    private WriteModel<Document> markProcessed(ClassificationResult r) {
        return new UpdateOneModel<>(Filters.eq("_id", QueryIds.toBson(r.id(), r.idType())), Updates.combine(
                Updates.set("processed", true),
                Updates.set("status", "classified"),
                Updates.set("processing_attempts", r.attempts()),
                Updates.set("updated_at", Date.from(clock.instant()))));
    }

    /** One result per query: two upserts of one key in an unordered bulk could race on the unique index. */
    private static List<ClassificationResult> latestPerQuery(List<ClassificationResult> batch) {
        Map<String, ClassificationResult> latest = new LinkedHashMap<>();
        for (ClassificationResult r : batch) {
            latest.put(r.idType() + ":" + r.id(), r);
        }
        return List.copyOf(latest.values());
    }
}
