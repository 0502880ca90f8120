package dev.triage.gateway.relay;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.OperationType;
import com.mongodb.client.model.changestream.UpdateDescription;
import dev.triage.core.mongo.QueryDocuments;
import org.bson.Document;

/**
 * Which change events the relay publishes. The contract with {@code triage reprocess}, which
 * requeues queries with one {@code updateMany} of {@code $set {processed: false, requeued_at: <now>}}
 * and {@code $unset {status: "", last_error: ""}}:
 *
 * <ul>
 *   <li>INSERT: published when the query is unprocessed.</li>
 *   <li>UPDATE or REPLACE: published when the looked-up document is unprocessed ({@code processed}
 *       is not true) and
 *     <ul>
 *       <li>with an {@code updateDescription} (a real replica set; it lists only the fields whose
 *           value changed, so a failed query that was already {@code processed: false} shows only
 *           {@code requeued_at}): its {@code updatedFields} hold {@code processed} or {@code requeued_at};</li>
 *       <li>without one (mongo-java-server sends none, and a replace has none): the document is not
 *           {@code status: "failed"}.</li>
 *     </ul></li>
 * </ul>
 *
 * The sink's own updates ({@code processed: true, status: classified}, or {@code status: failed,
 * last_error}) are therefore never published, nor is the relay's own marking of a query it cannot
 * carry. On a server without update descriptions, any other update of an unprocessed, not failed
 * query is published again: a duplicate the idempotent sink absorbs.
 */
public final class UpdateDecision {

    private UpdateDecision() {
    }

    public static boolean relays(ChangeStreamDocument<Document> event) {
        OperationType type = event.getOperationType();
        Document query = event.getFullDocument();
        if (query == null || !QueryDocuments.isUnprocessed(query)) {
            return false; // deleted before the lookup, or processed
        }
        if (type == OperationType.INSERT) {
            return true;
        }
        if (type != OperationType.UPDATE && type != OperationType.REPLACE) {
            return false;
        }
        UpdateDescription description = event.getUpdateDescription();
        if (description != null && description.getUpdatedFields() != null) {
            return description.getUpdatedFields().containsKey("processed")
                    || description.getUpdatedFields().containsKey("requeued_at");
        }
        return !"failed".equals(query.get("status"));
    }
}
