package dev.triage.localstack;

import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import java.nio.ByteBuffer;

/**
 * A single value stored as BSON, through {@link BsonDocumentType} as {@code {v: value}} (with its
 * fallback to Java serialisation): the positions of the unique indexes, which are the documents'
 * {@code _id}s. H2's default type Java-serialises an {@code ObjectId} in 101 bytes; this takes 21.
 */
final class BsonValueType extends BasicDataType<Object> {

    static final BsonValueType INSTANCE = new BsonValueType();

    private static final String VALUE = "v";

    private BsonValueType() {
    }

    @Override
    public int getMemory(Object value) {
        return BsonDocumentType.INSTANCE.getMemory(wrap(value));
    }

    @Override
    public void write(WriteBuffer buffer, Object value) {
        BsonDocumentType.INSTANCE.write(buffer, wrap(value));
    }

    @Override
    public Object read(ByteBuffer buffer) {
        return BsonDocumentType.INSTANCE.read(buffer).get(VALUE);
    }

    @Override
    public int compare(Object a, Object b) {
        return BsonDocumentType.INSTANCE.compare(wrap(a), wrap(b));
    }

    @Override
    public Object[] createStorage(int size) {
        return new Object[size];
    }

    private static Document wrap(Object value) {
        return new Document(VALUE, value);
    }
}
