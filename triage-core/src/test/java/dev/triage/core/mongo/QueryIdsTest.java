package dev.triage.core.mongo;

import dev.triage.core.model.IdType;
import org.bson.BsonBinary;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinarySubType;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.UuidRepresentation;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryIdsTest {

    private static final UUID UUID_ID = UUID.fromString("0b6c8e8a-6f4e-4f0e-9a7b-3c2d1e0f9a8b");

    static Stream<Arguments> ids() {
        ObjectId objectId = new ObjectId("65a1b2c3d4e5f60718293a4b");
        return Stream.of(
                Arguments.of(new BsonObjectId(objectId), IdType.OBJECT_ID, "65a1b2c3d4e5f60718293a4b"),
                Arguments.of(new BsonString("ticket-7"), IdType.STRING, "ticket-7"),
                Arguments.of(new BsonString("65a1b2c3d4e5f60718293a4b"), IdType.STRING, "65a1b2c3d4e5f60718293a4b"),
                Arguments.of(new BsonInt32(-42), IdType.INT, "-42"),
                Arguments.of(new BsonInt64(10_000_000_000L), IdType.LONG, "10000000000"),
                Arguments.of(new BsonInt64(7), IdType.LONG, "7"),
                Arguments.of(new BsonBinary(UUID_ID, UuidRepresentation.STANDARD), IdType.UUID, UUID_ID.toString()),
                Arguments.of(new BsonDouble(2.5), IdType.BSON, "{\"$numberDouble\": \"2.5\"}"),
                Arguments.of(new BsonDouble(7.0), IdType.BSON, "{\"$numberDouble\": \"7.0\"}"),
                Arguments.of(new BsonDecimal128(new Decimal128(new BigDecimal("1.10"))), IdType.BSON,
                        "{\"$numberDecimal\": \"1.10\"}"),
                Arguments.of(new BsonDateTime(1_700_000_000_000L), IdType.BSON,
                        "{\"$date\": {\"$numberLong\": \"1700000000000\"}}"),
                Arguments.of(new BsonDocument("shop", new BsonString("eu")).append("n", new BsonInt32(3)), IdType.BSON,
                        "{\"shop\": \"eu\", \"n\": {\"$numberInt\": \"3\"}}"),
                Arguments.of(new BsonBinary(UUID_ID, UuidRepresentation.JAVA_LEGACY), IdType.BSON,
                        "{\"$binary\": {\"base64\": \"Dk9Ob4qObAuLmg8eLTx7mg==\", \"subType\": \"03\"}}"));
    }

    /** The id as the driver decodes it into a Document (default registry) gives the text and type, and back. */
    @ParameterizedTest
    @MethodSource("ids")
    void everyIdTypeRoundTripsAsTheDriverDecodesIt(BsonValue id, IdType type, String text) {
        Object decoded = decodedByDriver(id);

        QueryIds.WireId wire = QueryIds.of(decoded);

        assertThat(wire).isEqualTo(new QueryIds.WireId(text, type));
        assertThat(QueryIds.toBson(wire.text(), wire.type())).isEqualTo(id);
        assertThat(QueryIds.typeOf(decoded)).isEqualTo(type);
    }

    @Test
    void theDriverDecodesAStandardUuidIdAsBinaryUnderTheDefaultRegistry() {
        Object decoded = decodedByDriver(new BsonBinary(UUID_ID, UuidRepresentation.STANDARD));

        assertThat(decoded).isInstanceOf(Binary.class);
        assertThat(((Binary) decoded).getType()).isEqualTo(BsonBinarySubType.UUID_STANDARD.getValue());
        assertThat(QueryIds.of(UUID_ID)).isEqualTo(new QueryIds.WireId(UUID_ID.toString(), IdType.UUID));
    }

    @Test
    void aValueThatIsNotAValidIdOfItsTypeFailsClearly() {
        assertThatThrownBy(() -> QueryIds.toBson("12x", IdType.INT)).isInstanceOf(QueryIds.UnsupportedIdException.class)
                .hasMessageContaining("12x").hasMessageContaining("INT");
        assertThatThrownBy(() -> QueryIds.toBson("not-a-uuid", IdType.UUID))
                .isInstanceOf(QueryIds.UnsupportedIdException.class);
        assertThatThrownBy(() -> QueryIds.toBson("{\"$numberDouble\": ", IdType.BSON))
                .isInstanceOf(QueryIds.UnsupportedIdException.class);
        assertThatThrownBy(() -> QueryIds.toBson("1, \"other\": 2", IdType.BSON))
                .isInstanceOf(QueryIds.UnsupportedIdException.class).hasMessageContaining("one Extended JSON value");
        assertThatThrownBy(() -> QueryIds.of((Object) null)).isInstanceOf(QueryIds.UnsupportedIdException.class)
                .hasMessageContaining("no _id");
    }

    @Test
    void aBareIdTextStandsForEveryValueItSpells() {
        assertThat(QueryIds.candidates("ticket-7")).containsExactly(new BsonString("ticket-7"));
        assertThat(QueryIds.candidates("65a1b2c3d4e5f60718293a4b")).contains(new BsonString("65a1b2c3d4e5f60718293a4b"),
                new BsonObjectId(new ObjectId("65a1b2c3d4e5f60718293a4b")));
        assertThat(QueryIds.candidates("7")).contains(new BsonString("7"), new BsonInt64(7));
        assertThat(QueryIds.candidates(UUID_ID.toString())).contains(new BsonBinary(UUID_ID, UuidRepresentation.STANDARD));
        assertThat(QueryIds.candidates("{\"$numberDouble\": \"2.5\"}")).contains(new BsonDouble(2.5));
    }

    @Test
    void aLookupNeverMatchesByPatternOrOperator() {
        assertThat(QueryIds.candidates("{\"$regex\": \".\"}")).containsExactly(new BsonString("{\"$regex\": \".\"}"));
        assertThat(QueryIds.candidates("{\"$gt\": 1}")).containsExactly(new BsonString("{\"$gt\": 1}"));
        assertThat(QueryIds.candidates("{\"a\": 1}")).hasSize(2);
    }

    private static Object decodedByDriver(BsonValue id) {
        RawBsonDocument raw = new RawBsonDocument(new BsonDocument("_id", id), new org.bson.codecs.BsonDocumentCodec());
        ByteBuffer bytes = raw.getByteBuffer().asNIO();
        Document doc = new DocumentCodec().decode(new BsonBinaryReader(bytes), DecoderContext.builder().build());
        return doc.get("_id");
    }
}
