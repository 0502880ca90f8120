package dev.triage.core.mongo;

import dev.triage.core.model.IdType;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.bson.json.JsonMode;
import org.bson.json.JsonParseException;
import org.bson.json.JsonWriterSettings;
import org.bson.types.Binary;
import org.bson.types.ObjectId;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Converts a query's {@code _id} to the wire form (text + {@link IdType}) and back, for every BSON
 * type an {@code _id} can have: ObjectId, string, Int32, Int64 and standard UUIDs get a readable
 * text; anything else is carried as its canonical Extended JSON ({@link IdType#BSON}), which keeps
 * the exact type (a double {@code 7.0} is not the Int32 {@code 7} to the sink's upsert).
 *
 * <p>{@link #toBson} answers a {@link BsonValue}, which the driver encodes under its default codec
 * registry: no {@code uuidRepresentation} needs configuring anywhere. With the default
 * ({@code UNSPECIFIED}) the driver decodes a UUID {@code _id} into a {@link Binary} of subtype 4;
 * {@link #of} accepts that, and a {@link UUID} for clients configured otherwise.
 */
public final class QueryIds {

    /** An {@code _id} in wire form. */
    public record WireId(String text, IdType type) {
    }

    /** An {@code _id} that cannot be carried to Kafka and back; the message says why. */
    public static final class UnsupportedIdException extends IllegalArgumentException {
        UnsupportedIdException(String message) {
            super(message);
        }
    }

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final String WRAP_START = "{\"_id\": ";

    private QueryIds() {
    }

    /** The wire form of an {@code _id} as the driver decoded it into a {@link Document}; verified to convert back. */
    public static WireId of(Object id) {
        return of(toBsonValue(id));
    }

    /** The wire form of an {@code _id}; verified to convert back to an equal value. */
    public static WireId of(BsonValue id) {
        WireId wire = switch (id.getBsonType()) {
            case OBJECT_ID -> new WireId(id.asObjectId().getValue().toHexString(), IdType.OBJECT_ID);
            case STRING -> new WireId(id.asString().getValue(), IdType.STRING);
            case INT32 -> new WireId(Integer.toString(id.asInt32().getValue()), IdType.INT);
            case INT64 -> new WireId(Long.toString(id.asInt64().getValue()), IdType.LONG);
            case BINARY -> id.asBinary().getType() == BsonBinarySubType.UUID_STANDARD.getValue()
                    && id.asBinary().getData().length == 16
                    ? new WireId(id.asBinary().asUuid().toString(), IdType.UUID) : extendedJson(id);
            default -> extendedJson(id);
        };
        BsonValue back = toBson(wire.text(), wire.type());
        if (!back.equals(id)) {
            throw new UnsupportedIdException("_id " + wire.text() + " (" + id.getBsonType() + ") does not convert back to itself");
        }
        return wire;
    }

    /** The type of a BSON {@code _id} value as the driver returns it. */
    public static IdType typeOf(Object id) {
        return of(id).type();
    }

    /** The {@code _id} value to query MongoDB with, e.g. in {@code Filters.eq("_id", ...)}. */
    public static BsonValue toBson(String id, IdType type) {
        try {
            return switch (type) {
                case OBJECT_ID -> new BsonObjectId(new ObjectId(id));
                case STRING -> new BsonString(id);
                case INT -> new BsonInt32(Integer.parseInt(id));
                case LONG -> new BsonInt64(Long.parseLong(id));
                case UUID -> new BsonBinary(UUID.fromString(id), UuidRepresentation.STANDARD);
                case BSON -> fromExtendedJson(id);
            };
        } catch (UnsupportedIdException e) {
            throw e;
        } catch (IllegalArgumentException | JsonParseException | org.bson.BsonInvalidOperationException e) {
            throw new UnsupportedIdException("_id " + id + " is not a valid " + type + " id: " + e.getMessage());
        }
    }

    /**
     * Every {@code _id} a bare id text can stand for when its type is unknown (a client asking by
     * conversation number): the string itself, and the ObjectId, number, UUID or Extended JSON value
     * it spells, if any.
     */
    public static List<BsonValue> candidates(String id) {
        List<BsonValue> candidates = new ArrayList<>();
        candidates.add(new BsonString(id));
        for (IdType type : List.of(IdType.OBJECT_ID, IdType.LONG, IdType.UUID, IdType.BSON)) {
            try {
                BsonValue value = toBson(id, type); // an Int64 matches an equal Int32 (and double) too
                if (!isPattern(value)) {
                    candidates.add(value);
                }
            } catch (UnsupportedIdException notThisType) {
                // the text does not spell this type
            }
        }
        return candidates;
    }

    /**
     * A value that would match more than itself inside {@code $in} (a regular expression) or that a
     * server reads as an operator (a document with a {@code $} key): never a lookup candidate, so
     * that a client cannot read other conversations' results by asking for {@code {"$regex": "."}}.
     */
    private static boolean isPattern(BsonValue value) {
        return value.isRegularExpression()
                || value.isDocument() && value.asDocument().keySet().stream().anyMatch(k -> k.startsWith("$"));
    }

    private static BsonValue fromExtendedJson(String id) {
        BsonDocument wrapped = BsonDocument.parse(WRAP_START + id + "}");
        if (wrapped.size() != 1) {
            throw new UnsupportedIdException("_id " + id + " is not one Extended JSON value");
        }
        return wrapped.get("_id");
    }

    private static BsonValue toBsonValue(Object id) {
        if (id == null) {
            throw new UnsupportedIdException("the query has no _id");
        }
        if (id instanceof BsonValue value) {
            return value;
        }
        if (id instanceof UUID uuid) {
            return new BsonBinary(uuid, UuidRepresentation.STANDARD);
        }
        if (id instanceof Binary binary) {
            return new BsonBinary(binary.getType(), binary.getData());
        }
        try {
            return new Document("_id", id).toBsonDocument().get("_id");
        } catch (RuntimeException e) { // a codec error: the value is not BSON the default registry can write
            throw new UnsupportedIdException("_id of type " + id.getClass().getName() + " cannot be written as BSON: " + e);
        }
    }

    /** The value's canonical Extended JSON, e.g. {@code {"$numberDouble": "1.5"}}. */
    private static WireId extendedJson(BsonValue id) {
        String json = new BsonDocument("_id", id).toJson(CANONICAL);
        if (!json.startsWith(WRAP_START) || !json.endsWith("}")) {
            throw new UnsupportedIdException("unexpected Extended JSON for _id: " + json);
        }
        return new WireId(json.substring(WRAP_START.length(), json.length() - 1), IdType.BSON);
    }
}
