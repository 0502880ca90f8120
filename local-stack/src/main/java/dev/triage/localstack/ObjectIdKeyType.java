package dev.triage.localstack;

import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;

/**
 * The {@code _id} keys of the collections' maps: an {@link ObjectId} in 13 bytes (a tag, then its
 * 12), where H2's default type Java-serialises it, in about 100 bytes and on every write of its page;
 * any other key as the default type writes it (it has compact forms of its own for numbers and
 * strings). Keys compare exactly as by the default type, so the maps of a data directory written
 * before keep their order and are read as they are; their {@code ObjectId}s take the short form
 * when their page is next written. One per map, as H2's default type is: that type caches the
 * last type it met, unguarded.
 */
final class ObjectIdKeyType extends BasicDataType<Object> {

    /** A tag {@link ObjectDataType} never writes (its highest is 119; {@link BsonDocumentType} has 120). */
    private static final byte OBJECT_ID = 121;
    private static final int OBJECT_ID_BYTES = 12;

    private final ObjectDataType others = new ObjectDataType();

    ObjectIdKeyType() {
    }

    /** What H2 counts for the page and the cache: the object, its array and the 12 bytes, about 48. */
    @Override
    public int getMemory(Object key) {
        return key instanceof ObjectId ? 48 : others.getMemory(key);
    }

    @Override
    public void write(WriteBuffer buffer, Object key) {
        if (key instanceof ObjectId id) {
            buffer.put(OBJECT_ID).put(id.toByteArray());
        } else {
            others.write(buffer, key);
        }
    }

    @Override
    public Object read(ByteBuffer buffer) {
        if (buffer.get(buffer.position()) != OBJECT_ID) {
            return others.read(buffer);
        }
        buffer.get();
        byte[] id = new byte[OBJECT_ID_BYTES];
        buffer.get(id);
        return new ObjectId(id);
    }

    /** The default type's order; for two {@code ObjectId}s that is their {@code compareTo}, asked directly. */
    @Override
    public int compare(Object a, Object b) {
        return a instanceof ObjectId x && b instanceof ObjectId y ? x.compareTo(y) : others.compare(a, b);
    }

    @Override
    public Object[] createStorage(int size) {
        return new Object[size];
    }
}
