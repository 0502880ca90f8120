package dev.triage.gateway.relay;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import org.bson.Document;
import org.bson.codecs.DecoderContext;
import org.bson.json.JsonReader;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's decision on change events, fed events decoded by the driver from the JSON a server
 * sends: as a MongoDB replica set sends them (an update lists only the fields whose value changed,
 * and the fields it removed), and as mongo-java-server sends them (no updateDescription).
 */
class UpdateDecisionTest {

    private static final String ID = "{\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}";
    private static final String NOW = "{\"$date\": \"2026-11-29T10:00:00Z\"}";

    @Nested
    class AsAReplicaSetSendsThem {

        @Test
        void reprocessOfAFailedQueryChangesOnlyRequeuedAtAndIsRelayed() {
            // processed was false already: MongoDB leaves it out of updatedFields
            assertThat(relays(update("{\"requeued_at\": " + NOW + "}", "[\"status\", \"last_error\"]",
                    "{\"processed\": false, \"requeued_at\": " + NOW + "}"))).isTrue();
        }

        @Test
        void reprocessOfAClassifiedQueryIsRelayed() {
            assertThat(relays(update("{\"processed\": false, \"requeued_at\": " + NOW + "}", "[\"status\"]",
                    "{\"processed\": false, \"requeued_at\": " + NOW + "}"))).isTrue();
        }

        @Test
        void theSinkMarkingAQueryProcessedIsNotRelayed() {
            assertThat(relays(update("{\"processed\": true, \"status\": \"classified\", \"updated_at\": " + NOW + "}", "[]",
                    "{\"processed\": true, \"status\": \"classified\"}"))).isFalse();
        }

        @Test
        void theSinkMarkingAQueryFailedIsNotRelayed() {
            assertThat(relays(update("{\"status\": \"failed\", \"last_error\": \"LLM_BAD_OUTPUT: x\", \"updated_at\": " + NOW + "}",
                    "[]", "{\"processed\": false, \"status\": \"failed\", \"last_error\": \"LLM_BAD_OUTPUT: x\"}"))).isFalse();
        }

        @Test
        void anUnrelatedUpdateOfAnUnprocessedQueryIsNotRelayed() {
            assertThat(relays(update("{\"metadata.priority\": \"high\"}", "[]",
                    "{\"processed\": false, \"metadata\": {\"priority\": \"high\"}}"))).isFalse();
        }

        @Test
        void aRequeueFoundProcessedAtLookupIsNotRelayed() {
            assertThat(relays(update("{\"requeued_at\": " + NOW + "}", "[\"status\"]",
                    "{\"processed\": true, \"status\": \"classified\"}"))).isFalse();
        }
    }

    @Nested
    class AsTheEmbeddedServerSendsThem {

        @Test
        void reprocessIsRelayed() {
            assertThat(relays(update(null, null, "{\"processed\": false, \"requeued_at\": " + NOW + "}"))).isTrue();
        }

        @Test
        void theSinkMarkingAQueryFailedIsNotRelayed() {
            assertThat(relays(update(null, null, "{\"processed\": false, \"status\": \"failed\", \"last_error\": \"x\"}")))
                    .isFalse();
        }

        @Test
        void theSinkMarkingAQueryProcessedIsNotRelayed() {
            assertThat(relays(update(null, null, "{\"processed\": true, \"status\": \"classified\"}"))).isFalse();
        }

        /** Without a description the relay cannot tell; the duplicate is absorbed by the idempotent sink. */
        @Test
        void anUnrelatedUpdateOfAnUnprocessedQueryIsRelayed() {
            assertThat(relays(update(null, null, "{\"processed\": false, \"metadata\": {\"priority\": \"high\"}}"))).isTrue();
        }
    }

    @Test
    void insertsAreRelayedWhenUnprocessedAndDeletesNever() {
        assertThat(relays(event("insert", null, "{\"_id\": " + ID + ", \"text\": \"hi\", \"processed\": false}"))).isTrue();
        assertThat(relays(event("insert", null, "{\"_id\": " + ID + ", \"text\": \"hi\"}"))).isTrue();
        assertThat(relays(event("insert", null, "{\"_id\": " + ID + ", \"processed\": true}"))).isFalse();
        assertThat(relays(event("delete", null, null))).isFalse();
        assertThat(relays(event("update", "{\"updatedFields\": {\"requeued_at\": " + NOW + "}, \"removedFields\": []}", null)))
                .as("deleted before the lookup").isFalse();
    }

    private static boolean relays(ChangeStreamDocument<Document> event) {
        return UpdateDecision.relays(event);
    }

    /** An update event; {@code updatedFields} null = no updateDescription at all. */
    private static ChangeStreamDocument<Document> update(String updatedFields, String removedFields, String fullDocument) {
        String description = updatedFields == null ? null
                : "{\"updatedFields\": " + updatedFields + ", \"removedFields\": " + removedFields + ", \"truncatedArrays\": []}";
        return event("update", description, "{\"_id\": " + ID + ", \"text\": \"refund please\", "
                + fullDocument.substring(1));
    }

    private static ChangeStreamDocument<Document> event(String operation, String updateDescription, String fullDocument) {
        String json = "{\"_id\": {\"_data\": \"8265A1B2C3000000012B042C0100296E5A1004\"}, \"operationType\": \"" + operation + "\", "
                + "\"clusterTime\": {\"$timestamp\": {\"t\": 1764410400, \"i\": 1}}, \"wallTime\": " + NOW + ", "
                + "\"ns\": {\"db\": \"triage\", \"coll\": \"queries\"}, \"documentKey\": {\"_id\": " + ID + "}"
                + (updateDescription == null ? "" : ", \"updateDescription\": " + updateDescription)
                + (fullDocument == null ? "" : ", \"fullDocument\": " + fullDocument) + "}";
        return ChangeStreamDocument.createCodec(Document.class, MongoClientSettings.getDefaultCodecRegistry())
                .decode(new JsonReader(json), DecoderContext.builder().build());
    }
}
