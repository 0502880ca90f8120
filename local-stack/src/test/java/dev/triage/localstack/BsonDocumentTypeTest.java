package dev.triage.localstack;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.BsonConstants;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Documents survive a file store as BSON; documents a data directory stored before are still read. */
class BsonDocumentTypeTest {

    private static final String MAP = "databases.db.queries";

    @TempDir
    Path dir;

    @Test
    void everyBsonValueTypeSurvivesAReopenedStore() {
        Document document = everyType();
        Path file = dir.resolve("store.mv.db");
        try (MVStore store = MVStore.open(file.toString())) {
            bson(store).put(1, document);
        }
        try (MVStore store = MVStore.open(file.toString())) {
            assertThat(comparable(bson(store).get(1))).isEqualTo(comparable(document));
        }
    }

    @Test
    void documentsStoredByTheDefaultTypeAreReadAndRewrittenAsBson() throws Exception {
        Path file = dir.resolve("store.mv.db");
        try (MVStore store = MVStore.open(file.toString())) {
            MVMap<Object, Document> stock = store.openMap(MAP);
            for (int i = 0; i < 200; i++) {
                stock.put(i, everyType().append("i", i));
            }
        }
        long stockSize = Files.size(file);

        try (MVStore store = MVStore.open(file.toString())) {
            MVMap<Object, Document> map = bson(store);
            for (int i = 0; i < 200; i++) {
                assertThat(comparable(map.get(i))).isEqualTo(comparable(everyType().append("i", i)));
            }
            map.put(0, new Document("rewritten", true)); // the pages written now hold BSON beside nothing else
        }
        try (MVStore store = MVStore.open(file.toString())) {
            MVMap<Object, Document> map = bson(store);
            assertThat(map.get(0)).isEqualTo(new Document("rewritten", true));
            assertThat(comparable(map.get(199))).isEqualTo(comparable(everyType().append("i", 199)));
        }

        Path fresh = dir.resolve("fresh.mv.db");
        try (MVStore store = MVStore.open(fresh.toString())) {
            MVMap<Object, Document> map = bson(store);
            for (int i = 0; i < 200; i++) {
                map.put(i, everyType().append("i", i));
            }
        }
        assertThat(Files.size(fresh)).as("BSON takes less room than Java serialisation").isLessThan(stockSize);
    }

    @Test
    void documentsBsonCannotCarryAreStoredTheOldWayInsteadOfFailingTheCommit() {
        List<Document> odd = List.of(
                new Document("_id", 1).append("short", (short) 7),                  // no BSON type
                new Document("_id", 2).append("map", Map.of(3, "not a string key")), // not a BSON document
                new Document("_id", 3).append("text", "x".repeat(BsonConstants.MAX_BSON_OBJECT_SIZE))); // over 16 MiB
        Path file = dir.resolve("store.mv.db");
        try (MVStore store = MVStore.open(file.toString())) {
            MVMap<Object, Document> map = bson(store);
            odd.forEach(document -> map.put(document.get("_id"), document));
        }
        try (MVStore store = MVStore.open(file.toString())) {
            MVMap<Object, Document> map = bson(store);
            odd.forEach(document -> assertThat(map.get(document.get("_id"))).isEqualTo(document));
        }
    }

    @Test
    void valuesCompareForConditionalRemoval() {
        try (MVStore store = new MVStore.Builder().open()) {
            MVMap<Object, Document> map = bson(store);
            map.put(1, new Document("a", 1));

            assertThat(map.remove(1, new Document("a", 2))).isFalse();
            assertThat(map.remove(1, new Document("a", 1))).isTrue();
        }
    }

    private static MVMap<Object, Document> bson(MVStore store) {
        return store.openMap(MAP, new MVMap.Builder<Object, Document>().valueType(BsonDocumentType.INSTANCE));
    }

    /**
     * The document with the values whose classes do not compare by value (a regular expression; the
     * min and max keys, which Java serialisation does not keep single) replaced by their text.
     */
    private static Document comparable(Document document) {
        Document copy = new Document();
        document.forEach((key, value) -> copy.put(key, value instanceof MinKey || value instanceof MaxKey
                ? value.getClass().getSimpleName()
                : value instanceof BsonRegularExpression ? value.toString() : value));
        return copy;
    }

    /** One value of each type the wire carries; dates in whole milliseconds, as BSON keeps them. */
    private static Document everyType() {
        return new Document("_id", new ObjectId("650000000000000000000001"))
                .append("string", "conversation ✓")
                .append("int", 42)
                .append("long", 1L << 40)
                .append("double", 0.25)
                .append("decimal", new Decimal128(new BigDecimal("12.50")))
                .append("bool", true)
                .append("null", null)
                .append("date", Instant.ofEpochMilli(1_790_000_000_123L))
                .append("timestamp", new BsonTimestamp(7_000_000_000L))
                .append("uuid", UUID.fromString("2b1c6f1e-6a43-4d5f-9d7e-1f2a3b4c5d6e"))
                .append("binary", new BinData(new byte[] {1, 2, 3}))
                .append("regex", new BsonRegularExpression("^re", "i"))
                .append("min", MinKey.getInstance())
                .append("max", MaxKey.getInstance())
                .append("array", List.of(1, "two", new Document("three", 3.0)))
                .append("nested", new Document("turns", List.of(new Document("role", "customer").append("text", "hi"))));
    }
}
