package dev.triage.localstack;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.BsonConstants;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The documents of the embedded MongoDB's maps (collections and oplog) stored as BSON, as the wire
 * carries them, instead of by H2's default type, which writes a document with Java serialisation:
 * two to three times the bytes, and most of the server's CPU, since a commit writes every document
 * of each page it rewrites.
 *
 * <p>Each value starts with a tag: {@link #BSON} for BSON, or one of {@link ObjectDataType}'s own
 * tags (all below it), which is how the values of a data directory written before are read; they
 * are written as BSON when their page is next written. A document the BSON encoder refuses (a Java
 * type the wire never carries), or one larger than BSON's 16 MiB (which the decoder would refuse:
 * an oplog entry wraps a whole document), is written the old way: a value that fails here fails the
 * store's commit, and with it every later write.
 */
final class BsonDocumentType extends BasicDataType<Document> {

    static final BsonDocumentType INSTANCE = new BsonDocumentType();

    /** A tag {@link ObjectDataType} never writes: its highest is 119. */
    private static final byte BSON = 120;

    private final ObjectDataType serialised = new ObjectDataType();

    private BsonDocumentType() {
    }

    /** Twice the encoded size, as H2 counts serialised objects; sizes pages and the cache. */
    @Override
    public int getMemory(Document document) {
        ByteBuf bson = encode(document);
        return bson == null ? serialised.getMemory(document) : 2 * bson.readableBytes();
    }

    @Override
    public void write(WriteBuffer buffer, Document document) {
        ByteBuf bson = encode(document);
        if (bson == null) {
            serialised.write(buffer, document);
            return;
        }
        buffer.put(BSON).put(bson.array(), bson.arrayOffset() + bson.readerIndex(), bson.readableBytes());
    }

    @Override
    public Document read(ByteBuffer buffer) {
        if (buffer.get(buffer.position()) != BSON) {
            return (Document) serialised.read(buffer);
        }
        int start = buffer.position() + 1;
        int length = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(start);
        ByteBuffer bson = buffer.duplicate();
        bson.position(start).limit(start + length);
        buffer.position(start + length);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
    }

    /** Only {@code MVMap.remove(key, value)} and {@code replace} compare values; as H2's default type does. */
    @Override
    public int compare(Document a, Document b) {
        return serialised.compare(a, b);
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }

    /** The document as BSON in a heap buffer, or null when BSON cannot carry it. */
    private static ByteBuf encode(Document document) {
        ByteBuf out = Unpooled.buffer(256);
        try {
            BsonEncoder.encodeDocument(document, out);
        } catch (RuntimeException e) { // a value with no BSON type, a map with a key that is not a string
            return null;
        }
        return out.readableBytes() > BsonConstants.MAX_BSON_OBJECT_SIZE ? null : out;
    }
}
