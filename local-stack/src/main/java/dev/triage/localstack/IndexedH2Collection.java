package dev.triage.localstack;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An H2 collection that uses a unique index when the query only contains an equality on its key
 * among other conditions. mongo-java-server uses an index only when the query is exactly that
 * equality ({@code {_id: x}}), so {@code {_id: x, processed: {$ne: true}}} or the sink's
 * {@code {query_id: x, $or: [...]}} read every document of the collection, and each write cost
 * more the more documents there were. Here the index gives the candidates for the equality (all
 * documents that can match, since every condition of a query must hold) and the whole query is
 * still checked on each.
 */
final class IndexedH2Collection extends H2Collection {

    IndexedH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                        MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        for (Index<Object> index : getIndexes()) {
            if (index.canHandle(query) || index.getKeys().size() != 1) {
                continue;
            }
            Document equality = equality(query, index.getKeys().get(0).getKey());
            if (equality != null && index.canHandle(equality)) {
                return matchDocuments(query, index.getPositions(equality), orderBy, numberToSkip, limit, batchSize,
                        fieldSelector);
            }
        }
        return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    /** {@code {key: value}} when the query requires {@code key} to equal a plain value, at its top or in an {@code $and}; else null. */
    static Document equality(Document query, String key) {
        Object value = query.get(key);
        if (isPlain(value)) {
            return new Document(key, value);
        }
        if (query.get("$and") instanceof List<?> all) {
            for (Object condition : all) {
                if (condition instanceof Document conjunct) {
                    Document found = equality(conjunct, key);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    /** A value the index finds by equality: not null (null also matches a missing field), not an operator, array or pattern. */
    private static boolean isPlain(Object value) {
        return value != null && !(value instanceof Map) && !(value instanceof Collection) && !(value instanceof Pattern)
                && !(value instanceof de.bwaldvogel.mongo.bson.BsonRegularExpression);
    }
}
