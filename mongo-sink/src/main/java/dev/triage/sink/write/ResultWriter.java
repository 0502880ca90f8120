package dev.triage.sink.write;

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
import dev.triage.core.model.Provenance;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.Publishers;
import dev.triage.core.mongo.QueryIds;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes classification results to MongoDB, idempotently: one unordered bulk upsert into
 * {@code results} keyed by {@code query_id}, then one bulk update marking the source queries
 * processed; and marks the queries of dead-lettered conversations failed.
 *
 * <p>Newer wins: a result replaces only an older one ({@code processed_at}, its {@code classified_at},
 * earlier or missing), so a late or redelivered result changes nothing; its upsert then collides with
 * the unique index (E11000), which is that outcome, not an error. A query's
 * {@code processing_attempts} counts the times it was taken up and finished (classified or failed):
 * both updates apply only to a query not already in that state, so a redelivery counts nothing,
 * while a reprocess ({@code processed: false}, {@code status} unset) followed by a new outcome counts again.
 *
 * <p>A write MongoDB refuses for a reason of that document's own is returned as {@link Rejected}
 * (see {@link WriteErrors}); any other failure fails the returned future, and the batch is retried.
 */
public final class ResultWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ResultWriter.class);
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

    /** A result MongoDB refused to write, or whose query it refused to mark processed; and why. */
    public record Rejected(ClassificationResult result, WriteRejectedException error) {
    }

    /**
     * Marks what failed: queries unless they were processed meanwhile (a replay's result may be
     * written before an older dead letter is read: the two come from different topics) or are marked
     * failed already with the same error (a redelivery), API conversations unless they have a result already. Completes with the number
     * marked. A query MongoDB refuses to mark is logged and left as it is: its record is in the
     * dead-letter topic already.
     */
    public CompletableFuture<Integer> markFailed(List<Failure> failures) {
        List<Failure> fromQueries = failures.stream().filter(f -> f.source() != Source.API).toList();
        List<WriteModel<Document>> apiFailures = failures.stream().filter(f -> f.source() == Source.API)
                .<WriteModel<Document>>map(f -> new UpdateOneModel<>(Filters.eq("query_id", f.id()), Updates.combine(
                        Updates.setOnInsert("status", "failed"),
                        Updates.setOnInsert("error", new Document("code", f.code()).append("message", f.message())),
                        Updates.setOnInsert("source", "api"),
                        Updates.setOnInsert("failed_at", Date.from(clock.instant()))), new UpdateOptions().upsert(true)))
                .toList();
        CompletableFuture<Integer> marked = bulk(queries, fromQueries.stream().map(this::markFailed).toList(), false)
                .thenApply(outcome -> {
                    outcome.refused().forEach((index, error) -> LOG.error("query {} is not marked failed, its record is in"
                            + " the dead-letter topic: {}", fromQueries.get(index).id(),
                            new WriteRejectedException("mark query " + fromQueries.get(index).id() + " failed", error).getMessage()));
                    return outcome.matched();
                });
        CompletableFuture<Integer> recorded = bulk(results, apiFailures, true).thenApply(WriteErrors.Outcome::upserted);
        return marked.thenCombine(recorded, Integer::sum);
    }

    /**
     * Writes the newest result of each query, then marks their queries processed. Completes with the
     * results refused (their queries are not marked) and those whose query was refused the mark.
     */
    public CompletableFuture<List<Rejected>> write(List<ClassificationResult> batch) {
        List<ClassificationResult> latest = latestPerQuery(batch);
        return bulk(results, latest.stream().map(ResultWriter::upsert).toList(), true).thenCompose(written -> {
            List<Rejected> rejected = new ArrayList<>();
            written.refused().forEach((index, error) -> rejected.add(new Rejected(latest.get(index),
                    new WriteRejectedException("write the result of query " + latest.get(index).id(), error))));
            List<ClassificationResult> toMark = new ArrayList<>();
            for (int i = 0; i < latest.size(); i++) {
                if (!written.refused().containsKey(i) && latest.get(i).source() != Source.API) {
                    toMark.add(latest.get(i));
                }
            }
            return bulk(queries, toMark.stream().map(this::markProcessed).toList(), false).thenApply(marked -> {
                marked.refused().forEach((index, error) -> rejected.add(new Rejected(toMark.get(index),
                        new WriteRejectedException("mark query " + toMark.get(index).id() + " processed", error))));
                return rejected;
            });
        });
    }

    /**
     * Runs an unordered bulk write; completes with what it did, including its record-caused errors,
     * and fails when any part of it failed for another reason.
     */
    private static CompletableFuture<WriteErrors.Outcome> bulk(MongoCollection<Document> collection,
                                                               List<WriteModel<Document>> writes, boolean duplicateKeyIsDone) {
        if (writes.isEmpty()) {
            return CompletableFuture.completedFuture(WriteErrors.Outcome.NONE);
        }
        return Publishers.first(collection.bulkWrite(writes, UNORDERED)).handle((result, failure) ->
                failure == null ? WriteErrors.Outcome.of(result) : WriteErrors.outcome(failure, duplicateKeyIsDone));
    }

    private static WriteModel<Document> upsert(ClassificationResult r) {
        Object queryId = QueryIds.toBson(r.id(), r.idType());
        Document classification = new Document("intent", r.classification().intent())
                .append("topic", r.classification().topic())
                .append("sentiment", r.classification().sentiment());
        Date processedAt = Date.from(r.classifiedAt());
        Bson olderOrNone = Filters.or(Filters.exists("processed_at", false), Filters.lt("processed_at", processedAt));
        return new UpdateOneModel<>(Filters.and(Filters.eq("query_id", queryId), olderOrNone), Updates.combine(
                Updates.set("classification", classification),
                Updates.set("processed_at", processedAt),
                Updates.set("model", r.model()),
                Updates.set("source", r.source().name().toLowerCase(java.util.Locale.ROOT)),
                Updates.set("taxonomy_version", r.taxonomyVersion()),
                Updates.set("attempts", r.attempts()),
                Updates.set("llm_latency_ms", r.llmLatencyMs()),
                provenance(r.provenance()),
                Updates.unset("status"), Updates.unset("error"), Updates.unset("failed_at")), // an API failure, replayed
                new UpdateOptions().upsert(true));
    }

    /** Which tier answered, how sure, whether cached; unset for a result that does not say (older records). */
    private static Bson provenance(Provenance p) {
        if (p == null) {
            return Updates.unset("provenance");
        }
        Document doc = new Document("tier", p.tier()).append("cached", p.cached());
        if (p.confidence() != null) {
            doc.append("confidence", new Document(new java.util.TreeMap<String, Object>(p.confidence())));
        }
        return Updates.set("provenance", doc);
    }

    private WriteModel<Document> markProcessed(ClassificationResult r) {
        return new UpdateOneModel<>(
                Filters.and(Filters.eq("_id", QueryIds.toBson(r.id(), r.idType())), Filters.ne("processed", true)),
                Updates.combine(Updates.set("processed", true), Updates.set("status", "classified"),
                        Updates.inc("processing_attempts", 1), Updates.set("updated_at", Date.from(clock.instant()))));
    }

    private WriteModel<Document> markFailed(Failure f) {
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", QueryIds.toBson(f.id(), f.idType())),
                Filters.ne("processed", true), Filters.or(Filters.ne("status", "failed"), Filters.ne("last_error", f.error()))),
                Updates.combine(Updates.set("status", "failed"), Updates.set("last_error", f.error()),
                        Updates.inc("processing_attempts", 1), Updates.set("updated_at", Date.from(clock.instant()))));
    }

    /**
     * The newest result of each query (the last of equally new ones): two upserts of one key in an
     * unordered bulk could race on the unique index.
     */
    private static List<ClassificationResult> latestPerQuery(List<ClassificationResult> batch) {
        Map<String, ClassificationResult> latest = new LinkedHashMap<>();
        for (ClassificationResult r : batch) {
            latest.merge(r.idType() + ":" + r.id(), r, (kept, next) -> next.classifiedAt().isBefore(kept.classifiedAt()) ? kept : next);
        }
        return List.copyOf(latest.values());
    }
}
