package dev.triage.localstack;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Index keys encode compactly and come back equal; equal keys encode alike, different ones not. */
class ByteKeyUniqueIndexTest {

    @Test
    void keysOfEveryNormalisedKindComeBackEqual() {
        List<KeyValue> keys = List.of(
                new KeyValue(new ObjectId("650000000000000000000001")),
                new KeyValue("q-17"),
                new KeyValue(42.0),
                new KeyValue(Long.MAX_VALUE),
                new KeyValue((Object) null),
                new KeyValue(UUID.fromString("2b1c6f1e-6a43-4d5f-9d7e-1f2a3b4c5d6e")),
                new KeyValue(Instant.ofEpochMilli(1_790_000_000_123L)),
                new KeyValue(new Document("a", 1.0).append("b", List.of("x", 2.0))),
                new KeyValue("tenant-1", 7.0),
                new KeyValue(new Date(1_790_000_000_123L))); // no BSON type here: Java serialisation

        for (KeyValue key : keys) {
            assertThat(ByteKeyUniqueIndex.keyValue(ByteKeyUniqueIndex.bytes(key))).as(key.toString()).isEqualTo(key);
            assertThat(ByteKeyUniqueIndex.bytes(key)).as("the same key, the same bytes").isEqualTo(ByteKeyUniqueIndex.bytes(key));
        }
        assertThat(keys.stream().map(ByteKeyUniqueIndex::bytes).map(Arrays::toString).distinct()).hasSize(keys.size());
    }

    @Test
    void anObjectIdKeyTakesAFractionOfItsJavaSerialisation() {
        KeyValue key = new KeyValue(new ObjectId("650000000000000000000001"));

        assertThat(ByteKeyUniqueIndex.bytes(key)).hasSize(21);
        assertThat(ByteKeyUniqueIndex.javaBytes(key).length).isGreaterThan(100);
        assertThat(ByteKeyUniqueIndex.keyValue(ByteKeyUniqueIndex.javaBytes(key))).as("an earlier version's key").isEqualTo(key);
    }
}
