package dev.triage.localstack;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The capped oplog through the real driver: events in order, resume, update lookups, roll-over, restarts. */
class CappedOplogIT {

    @TempDir
    Path dir;

    @Test
    void aChangeStreamSeesInsertsAndUpdatesWithTheDocumentAsItIsNow() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0, 1000);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            MongoCollection<Document> other = client.getDatabase("db").getCollection("other");
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = watch(queries, null)) {
                queries.insertOne(new Document("_id", "q1").append("text", "hi").append("processed", false));
                other.insertOne(new Document("_id", "elsewhere"));
                queries.updateOne(Filters.eq("_id", "q1"), Updates.set("processed", true));
                queries.updateOne(Filters.eq("_id", "q1"), Updates.set("status", "classified"));

                List<ChangeStreamDocument<Document>> events = next(stream, 3);
                assertThat(events).extracting(e -> e.getOperationType().getValue()).containsExactly("insert", "update", "update");
                assertThat(events.get(0).getFullDocument()).containsEntry("text", "hi");
                assertThat(events.get(1).getDocumentKey().getString("_id").getValue()).isEqualTo("q1");
                // update lookup: the document as it is now, after both updates
                assertThat(events.get(1).getFullDocument()).containsEntry("processed", true).containsEntry("status", "classified");
                assertThat(stream.tryNext()).as("nothing of another collection").isNull();
            }
        }
    }

    @Test
    void resumingFromATokenGivesWhatCameAfterItOnly() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0, 1000);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            BsonDocument token;
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = watch(queries, null)) {
                insert(queries, 0, 5);
                token = next(stream, 3).get(2).getResumeToken();
            }
            insert(queries, 5, 8);
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> resumed = watch(queries, token)) {
                assertThat(next(resumed, 5)).extracting(e -> e.getDocumentKey().getInt32("_id").getValue())
                        .containsExactly(3, 4, 5, 6, 7);
                assertThat(resumed.tryNext()).isNull();
            }
        }
    }

    @Test
    void aTokenOlderThanTheCappedHistoryIsRefusedAsHistoryLostAndARecentOneStillWorks() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0, 50);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            BsonDocument old;
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = watch(queries, null)) {
                insert(queries, 0, 10);
                old = next(stream, 1).get(0).getResumeToken();
            }
            insert(queries, 10, 200); // 190 more events: the 50-entry oplog rolls over
            BsonDocument recent;
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = watch(queries, null)) {
                insert(queries, 500, 501);
                recent = next(stream, 1).get(0).getResumeToken();
            }
            assertThatThrownBy(() -> watch(queries, old))
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(286);
                        assertThat(e.getErrorCodeName()).isEqualTo("ChangeStreamHistoryLost");
                    });
            queries.insertOne(new Document("_id", 1000));
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> resumed = watch(queries, recent)) {
                assertThat(next(resumed, 1).get(0).getDocumentKey().getInt32("_id").getValue()).isEqualTo(1000);
            }
        }
    }

    @Test
    void aReaderThatFallsBehindTheCapFailsAsHistoryLostInsteadOfSkipping() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0, 50);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = watch(queries, null)) {
                insert(queries, 0, 1);
                next(stream, 1);
                insert(queries, 1, 200); // the reader is at event 0; the oplog now starts about 150 events later
                List<Integer> seen = new ArrayList<>();
                Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> {
                    for (int i = 0; i < 1000; i++) { // a skip would return events 150 and on here
                        ChangeStreamDocument<Document> e = stream.tryNext();
                        if (e != null) {
                            seen.add(e.getDocumentKey().getInt32("_id").getValue());
                        }
                    }
                });
                assertThat(failure).as("events read instead: %s", seen).isInstanceOfSatisfying(MongoCommandException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(286));
                assertThat(seen).isEmpty();
            }
        }
    }

    /**
     * A stream on a quiet collection reads past the other collections' entries (each batch only what
     * is new) and reports how far with {@code postBatchResumeToken}, which the driver keeps as its
     * resume token: it resumes from there after the history of its last event rolled over.
     */
    @Test
    void aQuietStreamReadsPastOtherCollectionsAndItsResumeTokenFollows() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0, 50);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            MongoCollection<Document> other = client.getDatabase("db").getCollection("other");
            BsonDocument lastEvent;
            BsonDocument position;
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = watch(queries, null)) {
                insert(queries, 0, 1);
                lastEvent = next(stream, 1).get(0).getResumeToken();
                for (int i = 0; i < 10; i++) { // 200 entries elsewhere, 20 between reads: 4 times the cap
                    other.insertMany(IntStream.range(i * 20, i * 20 + 20).mapToObj(n -> new Document("_id", n)).toList());
                    assertThat(stream.tryNext()).isNull();
                }
                position = stream.getResumeToken();
            }
            assertThat(position).isNotEqualTo(lastEvent);
            assertThat(Long.parseLong(position.getString("_data").getValue(), 16))
                    .isGreaterThan(Long.parseLong(lastEvent.getString("_data").getValue(), 16));
            assertThatThrownBy(() -> watch(queries, lastEvent)).as("the last event's own token is history now")
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(286));
            queries.insertOne(new Document("_id", 1000));
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> resumed = watch(queries, position)) {
                assertThat(next(resumed, 1).get(0).getDocumentKey().getInt32("_id").getValue()).isEqualTo(1000);
                assertThat(resumed.tryNext()).isNull();
            }
        }
    }

    /** A full batch stops at its last event: a resume from the token of the batch goes on with the next. */
    @Test
    void aFullBatchResumesAfterItsLastEvent() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0, 1000);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = queries.watch().batchSize(2).cursor()) {
                insert(queries, 0, 5);
                List<ChangeStreamDocument<Document>> first = next(stream, 2);
                BsonDocument token = stream.getResumeToken();
                assertThat(token).isEqualTo(first.get(1).getResumeToken());
                try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> resumed = watch(queries, token)) {
                    assertThat(next(resumed, 3)).extracting(e -> e.getDocumentKey().getInt32("_id").getValue())
                            .containsExactly(2, 3, 4);
                }
                assertThat(next(stream, 3)).extracting(e -> e.getDocumentKey().getInt32("_id").getValue())
                        .containsExactly(2, 3, 4);
            }
        }
    }

    @Test
    void theOplogIsCommittedWithTheDataAndSurvivesARestart() {
        Path data = dir.resolve("mongo");
        BsonDocument token;
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = watch(queries, null)) {
                insert(queries, 0, 3);
                token = next(stream, 1).get(0).getResumeToken();
            }
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            insert(queries, 3, 4);
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> resumed = watch(queries, token)) {
                assertThat(next(resumed, 3)).extracting(e -> e.getDocumentKey().getInt32("_id").getValue())
                        .containsExactly(1, 2, 3);
            }
        }
    }

    private static MongoChangeStreamCursor<ChangeStreamDocument<Document>> watch(MongoCollection<Document> c, BsonDocument after) {
        var stream = c.watch().fullDocument(FullDocument.UPDATE_LOOKUP);
        return (after == null ? stream : stream.resumeAfter(after)).cursor();
    }

    private static void insert(MongoCollection<Document> c, int from, int to) {
        c.insertMany(IntStream.range(from, to).mapToObj(i -> new Document("_id", i).append("processed", false)).toList());
    }

    /** The next {@code n} events; the embedded server answers at once, so empty answers are asked again. */
    private static List<ChangeStreamDocument<Document>> next(MongoChangeStreamCursor<ChangeStreamDocument<Document>> s, int n) {
        List<ChangeStreamDocument<Document>> events = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (events.size() < n && System.nanoTime() < deadline) {
            ChangeStreamDocument<Document> e = s.tryNext();
            if (e != null) {
                events.add(e);
            }
        }
        assertThat(events).as("events within 10 s").hasSize(n);
        return events;
    }
}
