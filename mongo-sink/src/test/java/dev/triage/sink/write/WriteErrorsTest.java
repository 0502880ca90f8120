package dev.triage.sink.write;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteErrorsTest {

    @Test
    void perDocumentErrorsAreTheRecordsByTheirIndex() {
        MongoBulkWriteException e = bulk(null, error(121, 2), error(14, 5), error(17419, 0));

        WriteErrors.Outcome outcome = WriteErrors.outcome(new CompletionException(e), true);

        assertThat(outcome.refused()).containsOnlyKeys(0, 2, 5);
        assertThat(outcome.refused().get(2).getCode()).isEqualTo(121);
        assertThat(outcome.matched()).isEqualTo(3);
    }

    @Test
    void aDuplicateKeyIsDoneOnlyWhereTheCallerSaysSo() {
        MongoBulkWriteException e = bulk(null, error(WriteErrors.DUPLICATE_KEY, 1));

        assertThat(WriteErrors.outcome(e, true).refused()).isEmpty();
        assertThat(WriteErrors.outcome(e, false).refused()).containsOnlyKeys(1);
    }

    @Test
    void aClusterCodeAWriteConcernErrorOrAnyOtherFailureIsAnOutage() {
        MongoBulkWriteException notPrimary = bulk(null, error(121, 0), error(10107, 1));
        MongoBulkWriteException writeConcern = bulk(new WriteConcernError(64, "WriteConcernFailed", "waiting for replication timed out",
                new BsonDocument()));
        MongoTimeoutException timeout = new MongoTimeoutException("no server");

        for (Throwable outage : List.of(notPrimary, writeConcern, timeout)) {
            assertThatThrownBy(() -> WriteErrors.outcome(outage, true)).isInstanceOf(CompletionException.class)
                    .cause().isSameAs(outage);
        }
    }

    private static BulkWriteError error(int code, int index) {
        return new BulkWriteError(code, "error " + code, new BsonDocument(), index);
    }

    private static MongoBulkWriteException bulk(WriteConcernError writeConcernError, BulkWriteError... errors) {
        return new MongoBulkWriteException(BulkWriteResult.acknowledged(0, 3, 0, 3, List.of(), List.of()), List.of(errors),
                writeConcernError, new ServerAddress("localhost"), Set.of());
    }
}
