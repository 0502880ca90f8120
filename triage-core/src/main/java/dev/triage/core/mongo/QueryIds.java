package dev.triage.core.mongo;

import dev.triage.core.model.IdType;
import org.bson.types.ObjectId;

/** Converts a query's {@code _id} to the wire form (text + {@link IdType}) and back. */
public final class QueryIds {

    private QueryIds() {
    }

    /** The type of a BSON {@code _id} value as the driver returns it. */
    public static IdType typeOf(Object id) {
        if (id instanceof ObjectId) {
            return IdType.OBJECT_ID;
        }
        if (id instanceof String) {
            return IdType.STRING;
        }
        throw new IllegalArgumentException("unsupported _id type " + (id == null ? "null" : id.getClass().getSimpleName())
                + "; queries need an ObjectId or string _id");
    }

    /** The {@code _id} value to query MongoDB with. */
    public static Object toBson(String id, IdType type) {
        return switch (type) {
            case OBJECT_ID -> new ObjectId(id);
            case STRING -> id;
        };
    }
}
