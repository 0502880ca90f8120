package dev.triage.localstack;

import com.mongodb.MongoNamespace;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Queries that hold an indexed equality among other conditions answer exactly what a scan would;
 * unique indexes keep their constraint; a data directory written by the stock backend is read.
 */
class IndexedQueriesIT {

    @TempDir
    Path dir;

    @Test
    void anEqualityOnAnIndexedKeyAmongOtherConditionsFindsExactlyTheMatchingDocuments() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> c = client.getDatabase("db").getCollection("results");
            c.createIndex(Indexes.ascending("query_id"), new IndexOptions().unique(true));
            c.insertMany(IntStream.range(0, 500).mapToObj(i -> new Document("_id", i).append("query_id", "q" + i)
                    .append("processed", i % 2 == 0)).toList());

            assertThat(ids(c, Filters.and(Filters.eq("_id", 4), Filters.ne("processed", true)))).isEmpty();
            assertThat(ids(c, Filters.and(Filters.eq("_id", 5), Filters.ne("processed", true)))).containsExactly(5);
            assertThat(ids(c, new Document("query_id", "q7").append("$or", List.of(new Document("processed", false),
                    new Document("x", 1))))).containsExactly(7);
            assertThat(ids(c, Filters.and(Filters.eq("query_id", "q8"), Filters.eq("processed", false)))).isEmpty();
            assertThat(ids(c, Filters.and(Filters.in("_id", 1, 2), Filters.eq("processed", false)))).containsExactly(1);

            // the sink's guarded upsert: an older result does not replace a newer one; a new key inserts
            c.updateOne(Filters.and(Filters.eq("query_id", "q9"), Filters.lt("n", 0)), Updates.set("n", 1),
                    new UpdateOptions().upsert(false));
            assertThat(c.find(Filters.eq("query_id", "q9")).first()).doesNotContainKey("n");
            c.updateOne(Filters.and(Filters.eq("query_id", "new"), Filters.exists("n", false)), Updates.set("n", 1),
                    new UpdateOptions().upsert(true));
            assertThat(c.countDocuments(Filters.eq("query_id", "new"))).isEqualTo(1);
            assertThatThrownBy(() -> c.insertOne(new Document("_id", 1000).append("query_id", "q3")))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
        }
    }

    @Test
    void equalityIsOnlyTakenFromPlainValuesAtTheTopOrInAnAnd() {
        assertThat(IndexedH2Collection.equality(new de.bwaldvogel.mongo.bson.Document("k", 1).append("x", 2), "k"))
                .isEqualTo(new de.bwaldvogel.mongo.bson.Document("k", 1));
        assertThat(IndexedH2Collection.equality(new de.bwaldvogel.mongo.bson.Document("$and",
                List.of(new de.bwaldvogel.mongo.bson.Document("x", 2), new de.bwaldvogel.mongo.bson.Document("k", "v"))), "k"))
                .isEqualTo(new de.bwaldvogel.mongo.bson.Document("k", "v"));
        assertThat(IndexedH2Collection.equality(new de.bwaldvogel.mongo.bson.Document("k",
                new de.bwaldvogel.mongo.bson.Document("$ne", 1)), "k")).isNull();
        assertThat(IndexedH2Collection.equality(new de.bwaldvogel.mongo.bson.Document("$or",
                List.of(new de.bwaldvogel.mongo.bson.Document("k", 1))), "k")).as("an $or is no conjunct").isNull();
        assertThat(IndexedH2Collection.equality(new de.bwaldvogel.mongo.bson.Document("k", null), "k")).isNull();
    }

    /** A rename and an {@code $out} move the documents and the unique index, and a restart finds them there. */
    @Test
    void aRenamedCollectionKeepsItsDocumentsAndIndexesAcrossARestart() {
        Path data = dir.resolve("mongo");
        List<ObjectId> ids = IntStream.range(0, 30).mapToObj(i -> new ObjectId()).toList();
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase db = client.getDatabase("db");
            MongoCollection<Document> a = db.getCollection("a");
            a.createIndex(Indexes.ascending("query_id"), new IndexOptions().unique(true));
            a.insertMany(IntStream.range(0, ids.size()).mapToObj(i -> new Document("_id", ids.get(i)).append("query_id", "q" + i)).toList());
            a.renameCollection(new MongoNamespace("db", "b"));
            db.getCollection("b").aggregate(List.of(Aggregates.match(Filters.lt("query_id", "q2")), Aggregates.out("c"))).toCollection();
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase db = client.getDatabase("db");
            MongoCollection<Document> b = db.getCollection("b");
            assertThat(db.listCollectionNames().into(new ArrayList<>())).containsExactlyInAnyOrder("b", "c");
            assertThat(b.countDocuments()).isEqualTo(ids.size());
            ids.forEach(id -> assertThat(b.find(Filters.eq("_id", id)).first()).as("%s", id).isNotNull());
            assertThat(b.find(Filters.and(Filters.eq("query_id", "q7"), Filters.exists("_id"))).map(d -> d.getObjectId("_id"))
                    .into(new ArrayList<>())).containsExactly(ids.get(7));
            assertThatThrownBy(() -> b.insertOne(new Document("query_id", "q3")))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
            assertThat(db.getCollection("c").countDocuments()).isEqualTo(12); // q0, q1, q10-q19
            db.drop();
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            assertThat(client.getDatabase("db").listCollectionNames().into(new ArrayList<>())).isEmpty();
        }
    }

    @Test
    void aDataDirectoryWrittenByTheStockBackendIsReadWithItsIndexes() throws Exception {
        Path data = dir.resolve("mongo");
        Files.createDirectories(data);
        H2Backend stock = new H2Backend(data.resolve("mongo.mv").toString());
        List<ObjectId> objectIds = IntStream.range(0, 200).mapToObj(i -> new ObjectId()).toList();
        MongoServer server = new MongoServer(stock);
        server.enableOplog();
        String uri = "mongodb://localhost:" + server.bind().getPort();
        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> c = client.getDatabase("db").getCollection("results");
            c.createIndex(Indexes.ascending("query_id"), new IndexOptions().unique(true));
            c.insertMany(IntStream.range(0, 50).mapToObj(i -> new Document("_id", i).append("query_id", "q" + i)).toList());
            client.getDatabase("db").getCollection("queries").insertMany(objectIds.stream()
                    .map(id -> new Document("_id", id).append("processed", false)).toList());
        } finally {
            server.shutdownNow();
            stock.close();
        }

        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> c = client.getDatabase("db").getCollection("results");
            assertThat(c.countDocuments()).isEqualTo(50);
            assertThat(ids(c, Filters.eq("query_id", "q7"))).containsExactly(7);
            assertThat(ids(c, Filters.eq("_id", 8))).containsExactly(8);
            assertThatThrownBy(() -> c.insertOne(new Document("_id", 100).append("query_id", "q3")))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
            assertThatThrownBy(() -> c.insertOne(new Document("_id", 3)))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
            // ObjectId keys stored by the stock type: found, then their pages written again the short way
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            objectIds.forEach(id -> assertThat(queries.find(Filters.eq("_id", id)).first()).as("%s", id).isNotNull());
            assertThat(queries.updateMany(Filters.eq("processed", false), Updates.set("processed", true)).getModifiedCount())
                    .isEqualTo(objectIds.size());
            queries.insertOne(new Document("_id", new ObjectId()).append("processed", false));
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("db").getCollection("queries");
            assertThat(queries.countDocuments()).isEqualTo(objectIds.size() + 1);
            objectIds.forEach(id -> assertThat(queries.find(Filters.eq("_id", id)).first()).as("%s", id)
                    .containsEntry("processed", true));
            assertThatThrownBy(() -> queries.insertOne(new Document("_id", objectIds.get(5))))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
        }
    }

    @Test
    void aDataDirectoryWhoseIndexKeysWereJavaSerialisedIsReadWithItsIndexes() {
        Path data = dir.resolve("mongo");
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> c = client.getDatabase("db").getCollection("results");
            c.createIndex(Indexes.ascending("query_id"), new IndexOptions().unique(true));
            c.insertMany(IntStream.range(0, 50).mapToObj(i -> new Document("_id", i).append("query_id", "q" + i)).toList());
        }
        // as the previous version wrote them: maps named #bytes, keys Java-serialised, positions by H2's default type
        try (MVStore store = MVStore.open(data.resolve("mongo.mv").toString())) {
            for (String name : List.copyOf(store.getMapNames())) {
                if (name.endsWith("#bson")) {
                    MVMap<byte[], Object> current = store.openMap(name,
                            new MVMap.Builder<byte[], Object>().valueType(BsonValueType.INSTANCE));
                    MVMap<byte[], Object> earlier = store.openMap(name.replace("#bson", "#bytes"));
                    current.forEach((key, position) ->
                            earlier.put(ByteKeyUniqueIndex.javaBytes(ByteKeyUniqueIndex.keyValue(key)), position));
                    store.removeMap(current);
                }
            }
            assertThat(store.getMapNames()).anyMatch(name -> name.endsWith("#bytes")).noneMatch(name -> name.endsWith("#bson"));
        }

        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> c = client.getDatabase("db").getCollection("results");
            assertThat(c.countDocuments()).isEqualTo(50);
            assertThat(ids(c, Filters.eq("query_id", "q7"))).containsExactly(7);
            assertThat(ids(c, Filters.and(Filters.eq("_id", 8), Filters.eq("query_id", "q8")))).containsExactly(8);
            assertThatThrownBy(() -> c.insertOne(new Document("_id", 100).append("query_id", "q3")))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
            assertThatThrownBy(() -> c.insertOne(new Document("_id", 3)))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
        }
    }

    private static List<Integer> ids(MongoCollection<Document> c, org.bson.conversions.Bson filter) {
        List<Integer> ids = new ArrayList<>();
        c.find(filter).forEach(d -> ids.add(d.getInteger("_id")));
        return ids;
    }
}
