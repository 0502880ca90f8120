package dev.triage.sink.write;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import dev.triage.core.mongo.ServerErrors;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Tells the failures of an unordered bulk write apart: a per-document write error is the
 * document's own fault (a validator's 121, a type mismatch, a document too large...), unless its
 * code says the cluster failed it ({@link ServerErrors}); anything else (a timeout, a lost connection, a write concern
 * error, a command error) is an outage, and the whole batch is retried. Decided by the server's
 * codes and the driver's types, never by message text.
 */
final class WriteErrors {

    /** E11000; on the results upsert it means "a result at least as new is there already". */
    static final int DUPLICATE_KEY = 11000;


    /** What a bulk write did: documents matched and upserted, and the refused ones by index of their write. */
    record Outcome(int matched, int upserted, Map<Integer, BulkWriteError> refused) {

        static final Outcome NONE = new Outcome(0, 0, Map.of());

        static Outcome of(BulkWriteResult result) {
            return new Outcome(result.getMatchedCount(), result.getUpserts().size(), Map.of());
        }
    }

    private WriteErrors() {
    }

    /**
     * The outcome of a bulk write that failed with {@code failure}: what it wrote, and its
     * record-caused errors by index (a duplicate key counts as done when {@code duplicateKeyIsDone}).
     *
     * @throws CompletionException with {@code failure} when any part of it is an outage
     */
    static Outcome outcome(Throwable failure, boolean duplicateKeyIsDone) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof MongoBulkWriteException bulk) || bulk.getWriteConcernError() != null
                || bulk.getWriteErrors().stream().anyMatch(e -> ServerErrors.isClusters(e.getCode()))) {
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        }
        Map<Integer, BulkWriteError> refused = new HashMap<>();
        for (BulkWriteError error : bulk.getWriteErrors()) {
            if (!(duplicateKeyIsDone && error.getCode() == DUPLICATE_KEY)) {
                refused.put(error.getIndex(), error);
            }
        }
        BulkWriteResult written = bulk.getWriteResult();
        return new Outcome(written.getMatchedCount(), written.getUpserts().size(), refused);
    }
}
