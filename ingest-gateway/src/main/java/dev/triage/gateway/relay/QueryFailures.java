package dev.triage.gateway.relay;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.triage.core.mongo.ServerErrors;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks a query the relay cannot carry to Kafka as failed, the way the sink marks a dead-lettered
 * one ({@code status: failed}, {@code last_error}, {@code updated_at}; {@code processed} stays false
 * so that {@code triage reprocess} can requeue it once mended). Such an update is never relayed
 * (see {@link UpdateDecision}).
 */
final class QueryFailures {

    static final String CODE = "RELAY_FAILED";
    private static final Logger LOG = LoggerFactory.getLogger(QueryFailures.class);

    private final MongoCollection<Document> queries;

    QueryFailures(MongoCollection<Document> queries) {
        this.queries = queries;
    }

    /** @param id the {@code _id} as the driver decoded it (a value it can encode again) */
    void mark(Object id, String reason) {
        LOG.error("query {} in {} cannot be relayed; marked failed: {}", id, queries.getNamespace(), reason);
        try {
            queries.updateOne(Filters.and(Filters.eq("_id", id), Filters.ne("processed", true)),
                    Updates.combine(Updates.set("status", "failed"), Updates.set("last_error", CODE + ": " + reason),
                            Updates.currentDate("updated_at")));
        } catch (MongoWriteException e) {
            if (ServerErrors.isClusters(e.getCode())) {
                throw e; // an outage: the relay backs off and tries again
            }
            // refused for a reason of this document's own (a validator...): retrying would stop the relay for good
            LOG.error("query {} in {} could not be marked failed either, and stays unprocessed: {}", id,
                    queries.getNamespace(), e.getMessage());
        }
    }
}
