package dev.triage.localstack;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.MVMap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A unique index whose map is keyed by the encoded key instead of the key object. The stock H2
 * index keys its map by {@link KeyValue}, which H2 can only order by serialising it, so each lookup
 * serialised both sides at every step of a binary search: half the MongoDB server's CPU in the
 * pipeline went there. Here a key is encoded once per operation, as BSON (an {@code ObjectId} key
 * takes 21 bytes; Java serialisation, used before, took 236), or with Java serialisation
 * when BSON cannot carry it; the two start with different bytes, so they never meet. Positions are
 * stored by {@link BsonValueType}. The order is that of the bytes, which serves equality lookups,
 * the only ones a unique index answers without a scan. Keys are normalised by the caller
 * ({@code Utils.normalizeValue}: numbers as doubles), so equal keys encode alike.
 */
final class ByteKeyUniqueIndex extends AbstractUniqueIndex<Object> {

    /** First byte of a BSON key; a Java serialisation stream starts with 0xAC. */
    private static final byte BSON = 'B';

    private final MVMap<byte[], Object> map;

    ByteKeyUniqueIndex(MVMap<byte[], Object> map, String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.map = map;
    }

    @Override
    protected Object removeDocument(KeyValue keyValue) {
        return map.remove(bytes(keyValue));
    }

    @Override
    protected boolean putKeyPosition(KeyValue keyValue, Object position) {
        return map.putIfAbsent(bytes(keyValue), Missing.ofNullable(position)) == null;
    }

    @Override
    protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
        return map.entrySet().stream()
                .map(e -> (Map.Entry<KeyValue, Object>) new AbstractMap.SimpleImmutableEntry<>(keyValue(e.getKey()), e.getValue()))
                .collect(Collectors.toList());
    }

    @Override
    protected Object getPosition(KeyValue keyValue) {
        return map.get(bytes(keyValue));
    }

    @Override
    public long getCount() {
        return map.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    /** The key's encoding: {@link #BSON} and a BSON document of its values, or Java serialisation. */
    static byte[] bytes(KeyValue keyValue) {
        Document values = new Document();
        int i = 0;
        for (Object value : keyValue) {
            values.put(Integer.toString(i++), value);
        }
        ByteBuf bson = Unpooled.buffer(64);
        try {
            bson.writeByte(BSON);
            BsonEncoder.encodeDocument(values, bson);
        } catch (RuntimeException e) { // a value BSON has no type for
            return javaBytes(keyValue);
        }
        byte[] bytes = new byte[bson.readableBytes()];
        bson.readBytes(bytes);
        return bytes;
    }

    /** The key {@link #bytes} encoded, or an index map of an older data directory (Java serialisation) held. */
    static KeyValue keyValue(byte[] bytes) {
        if (bytes[0] == BSON) {
            Document values = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes, 1, bytes.length - 1));
            return new KeyValue(values.values());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (KeyValue) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot read an index key back", e);
        }
    }

    /** How earlier versions encoded every key (and this one a key BSON cannot carry). */
    static byte[] javaBytes(KeyValue keyValue) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(keyValue);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise index key " + keyValue, e);
        }
        return bytes.toByteArray();
    }
}
