package dev.triage.localstack;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.lang.reflect.Field;
import java.util.List;

/**
 * An H2 database whose collections are {@link IndexedH2Collection}s, on the same maps as the stock
 * ones with their documents stored as {@link BsonDocumentType BSON}, and whose unique indexes are {@link ByteKeyUniqueIndex}es. The stock constructor opens the
 * existing collections and indexes through these overrides before a field of this class could be
 * set, so the store is read from the stock class's own field (set before that call): the one place
 * this reaches into mongo-java-server's internals.
 */
final class IndexedH2Database extends H2Database {

    private static final Field STORE;
    private static final String INDEX_KEYS = "#bson";
    private static final String DATA_PREFIX = "databases.";
    private static final String META_PREFIX = "meta.";
    /** The index maps of earlier versions: keys Java-serialised. */
    private static final String JAVA_KEYS = "#bytes";

    static {
        try {
            STORE = H2Database.class.getDeclaredField("mvStore");
            STORE.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("mongo-java-server's H2Database has no mvStore field any more: "
                    + "IndexedH2Database needs updating for this version", e);
        }
    }

    IndexedH2Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
        super(databaseName, store, cursorRegistry);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String fullName = getFullCollectionNamespace(collectionName);
        MVStore store = store();
        MVMap<Object, Document> dataMap = store.openMap(DATA_PREFIX + fullName,
                new MVMap.Builder<Object, Document>().keyType(new ObjectIdKeyType()).valueType(BsonDocumentType.INSTANCE));
        MVMap<String, Object> metaMap = store.openMap(META_PREFIX + fullName);
        return new IndexedH2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    /**
     * A {@link ByteKeyUniqueIndex} in its own map. The entries of an index map an older data
     * directory holds (the stock one keyed by {@link KeyValue}, or the Java-serialised keys of an
     * earlier {@code #bytes} map) are moved into it once, and the old map is removed.
     */
    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        MVStore store = store();
        String stock = stockIndexMap(collectionName, indexName);
        MVMap<byte[], Object> map = store.openMap(stock + INDEX_KEYS,
                new MVMap.Builder<byte[], Object>().valueType(BsonValueType.INSTANCE));
        if (store.hasMap(stock)) {
            MVMap<KeyValue, Object> old = store.openMap(stock);
            old.forEach((key, position) -> map.putIfAbsent(ByteKeyUniqueIndex.bytes(key), position));
            store.removeMap(old);
        }
        if (store.hasMap(stock + JAVA_KEYS)) {
            MVMap<byte[], Object> old = store.openMap(stock + JAVA_KEYS);
            old.forEach((key, position) -> map.putIfAbsent(ByteKeyUniqueIndex.bytes(ByteKeyUniqueIndex.keyValue(key)), position));
            store.removeMap(old);
        }
        return new ByteKeyUniqueIndex(map, indexName, keys, sparse);
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
        super.dropIndex(collection, indexName);
        MVStore store = store();
        String name = stockIndexMap(collection.getCollectionName(), indexName) + INDEX_KEYS;
        if (store.hasMap(name)) {
            store.removeMap(name);
        }
    }

    /**
     * A rename (also the end of {@code $out}) moves the collection's maps, its documents, metadata
     * and unique indexes, to the new name. The stock code looked the maps up by the name the
     * collection had after the rename, so it moved nothing: once restarted, the renamed collection
     * was empty and its documents sat under the old name, which only a drop of the database read
     * again.
     */
    @Override
    public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
        String from = collection.getFullName();
        super.moveCollection(oldDatabase, collection, newCollectionName);
        String to = collection.getFullName();
        MVStore store = store();
        for (String prefix : List.of(DATA_PREFIX, META_PREFIX)) {
            store.removeMap(prefix + to); // the empty map the stock code opened under the new name
            store.renameMap(store.openMap(prefix + from), prefix + to);
        }
        String indexes = from + "._index_";
        for (String name : List.copyOf(store.getMapNames())) {
            if (name.startsWith(indexes)) {
                store.renameMap(store.openMap(name), to + name.substring(from.length()));
            }
        }
    }

    private String stockIndexMap(String collectionName, String indexName) {
        return getFullCollectionNamespace(collectionName) + "._index_" + indexName;
    }

    private MVStore store() {
        try {
            return (MVStore) STORE.get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read H2Database.mvStore", e);
        }
    }
}
