package dev.triage.localstack;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** ObjectId keys stored short; keys a data directory stored before are read, found and kept in their order. */
class ObjectIdKeyTypeTest {

    private static final String MAP = "databases.db.queries";

    @TempDir
    Path dir;

    @Test
    void keysStoredByTheDefaultTypeAreFoundInTheirOrderAndRewrittenShort() throws Exception {
        List<Object> keys = mixedKeys(400);
        Path file = dir.resolve("store.mv.db");
        List<Object> stockOrder;
        try (MVStore store = MVStore.open(file.toString())) {
            MVMap<Object, Document> stock = store.openMap(MAP);
            keys.forEach(k -> stock.put(k, new Document("_id", k)));
            stockOrder = new ArrayList<>(stock.keySet());
        }
        try (MVStore store = MVStore.open(file.toString())) {
            MVMap<Object, Document> map = open(store);
            assertThat(new ArrayList<>(map.keySet())).isEqualTo(stockOrder);
            keys.forEach(k -> assertThat(map.get(k)).as("%s", k).isNotNull());
            keys.forEach(k -> map.put(k, new Document("_id", k).append("processed", true))); // every page written again
            ObjectId added = new ObjectId();
            map.put(added, new Document("_id", added));
        }
        try (MVStore store = MVStore.open(file.toString())) {
            MVMap<Object, Document> map = open(store);
            assertThat(map).hasSize(keys.size() + 1);
            keys.forEach(k -> assertThat(map.get(k)).as("%s", k).containsEntry("processed", true));
            List<Object> order = new ArrayList<>(map.keySet());
            for (int i = 1; i < order.size(); i++) {
                assertThat(new ObjectDataType().compare(order.get(i - 1), order.get(i))).isNegative();
            }
        }
    }

    @Test
    void anObjectIdKeyTakesThirteenBytesInsteadOfAJavaSerialisation() throws Exception {
        List<ObjectId> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ids.add(new ObjectId());
        }
        Path stockFile = dir.resolve("stock.mv.db");
        Path shortFile = dir.resolve("short.mv.db");
        try (MVStore stock = MVStore.open(stockFile.toString()); MVStore store = MVStore.open(shortFile.toString())) {
            MVMap<Object, Long> a = stock.openMap(MAP);
            MVMap<Object, Long> b = store.openMap(MAP, new MVMap.Builder<Object, Long>().keyType(new ObjectIdKeyType()));
            ids.forEach(id -> a.put(id, 1L));
            ids.forEach(id -> b.put(id, 1L));
        }
        assertThat(Files.size(shortFile)).isLessThan(Files.size(stockFile) / 3);
    }

    @Test
    void keysCompareAsByTheDefaultType() {
        List<Object> keys = mixedKeys(300);
        ObjectDataType stock = new ObjectDataType();
        for (Object a : keys) {
            for (Object b : keys) {
                assertThat(Integer.signum(new ObjectIdKeyType().compare(a, b)))
                        .as("%s vs %s", a, b).isEqualTo(Integer.signum(stock.compare(a, b)));
            }
        }
    }

    private static MVMap<Object, Document> open(MVStore store) {
        return store.openMap(MAP, new MVMap.Builder<Object, Document>().keyType(new ObjectIdKeyType())
                .valueType(BsonDocumentType.INSTANCE));
    }

    /** The _id types a collection meets: mostly ObjectIds, and strings, numbers and a compound one. */
    private static List<Object> mixedKeys(int n) {
        Random random = new Random(7);
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(switch (i % 6) {
                case 0, 1, 2 -> new ObjectId();
                case 3 -> "q-" + random.nextInt(1_000_000);
                case 4 -> random.nextInt(1_000_000);
                default -> (long) random.nextInt(1_000_000) << 20;
            });
        }
        keys.add(new Document("tenant", "a").append("n", 1));
        keys.add(new Document("tenant", "b").append("n", 2));
        return keys.stream().distinct().toList();
    }
}
