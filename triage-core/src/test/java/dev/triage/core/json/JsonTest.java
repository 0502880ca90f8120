package dev.triage.core.json;

import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Provenance;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    private static final Instant AT = Instant.parse("2026-11-27T10:15:30.123Z");

    @Test
    void envelopeRoundTripsWithSnakeCaseNamesAndIsoInstants() {
        ConversationEnvelope envelope = ConversationEnvelope.of("65a1b2c3d4e5f60718293a4b", IdType.OBJECT_ID, Source.MONGO,
                List.of(new Message("customer", "Where is my order?"), new Message("agent", "Checking.")),
                Map.of("channel", "email"), AT);

        String json = Json.encodeToString(envelope);

        assertThat(json).contains("\"id_type\":\"object_id\"", "\"source\":\"mongo\"",
                "\"received_at\":\"2026-11-27T10:15:30.123Z\"", "\"v\":1");
        assertThat(Json.decode(json.getBytes(StandardCharsets.UTF_8), ConversationEnvelope.class)).isEqualTo(envelope);
    }

    @Test
    void resultRoundTripsWithoutTokens() {
        ClassificationResult result = new ClassificationResult(1, "42", IdType.STRING, Source.API,
                new Classification("refund_request", "billing", "negative"), "offline", "support-v1", 1, 0, null, AT);

        assertThat(Json.decode(Json.encode(result), ClassificationResult.class)).isEqualTo(result);
        assertThat(Json.encodeToString(result)).contains("\"taxonomy_version\":\"support-v1\"", "\"llm_latency_ms\":0");
    }

    @Test
    void resultRoundTripsWithProvenanceAndDecodesWithoutIt() {
        ClassificationResult result = new ClassificationResult(1, "42", IdType.STRING, Source.API,
                new Classification("refund_request", "billing", "negative"), "learned:m", "support-v1", 1, 0, null, AT,
                Provenance.learned(java.util.Map.of("intent", 0.9, "topic", 0.5, "sentiment", 0.7)).asCached());
        assertThat(Json.decode(Json.encode(result), ClassificationResult.class)).isEqualTo(result);

        String older = Json.encodeToString(result).replaceAll(",\"provenance\":\\{.*}}$", "}");
        assertThat(older).doesNotContain("provenance");
        assertThat(Json.decode(older.getBytes(StandardCharsets.UTF_8), ClassificationResult.class).provenance()).isNull();

        String partial = Json.encodeToString(result).replaceAll("\"provenance\":\\{.*}}$", "\"provenance\":{\"tier\":\"llm\"}}");
        Provenance llm = Json.decode(partial.getBytes(StandardCharsets.UTF_8), ClassificationResult.class).provenance();
        assertThat(llm).isEqualTo(new Provenance("llm", null, false));
        assertThat(Json.encodeToString(llm)).as("no confidence from the LLM").isEqualTo("{\"tier\":\"llm\",\"cached\":false}");
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() {
        String json = """
                {"v":1,"id":"1","id_type":"string","source":"api","messages":[{"sender":"customer","text":"hi"}],
                 "received_at":"2026-11-27T10:15:30Z","added_in_v2":true}""";

        assertThat(Json.decode(json.getBytes(StandardCharsets.UTF_8), ConversationEnvelope.class).id()).isEqualTo("1");
    }

    @Test
    void badPayloadsArePayloadExceptionsThatSayWhy() {
        assertThatThrownBy(() -> Json.decode("{not json".getBytes(StandardCharsets.UTF_8), ConversationEnvelope.class))
                .isInstanceOf(PayloadException.class).hasMessageContaining("ConversationEnvelope");
        assertThatThrownBy(() -> Json.decode(new byte[0], ConversationEnvelope.class))
                .isInstanceOf(PayloadException.class).hasMessageContaining("empty payload");
        assertThatThrownBy(() -> Json.decode("null".getBytes(StandardCharsets.UTF_8), ConversationEnvelope.class))
                .isInstanceOf(PayloadException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> Json.decode("{\"v\":1,\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8), ConversationEnvelope.class))
                .isInstanceOf(PayloadException.class).hasMessageContaining("id_type");
        assertThatThrownBy(() -> Json.decode("""
                {"v":1,"id":"1","id_type":"guid","source":"api","messages":[],"received_at":"2026-11-27T10:15:30Z"}"""
                .getBytes(StandardCharsets.UTF_8), ConversationEnvelope.class))
                .isInstanceOf(PayloadException.class).hasMessageContaining("guid");
    }

    @Test
    void malformedJsonSaysWhereWithoutTheParsersInternals() {
        assertThatThrownBy(() -> Json.tree("{\"messages\": [".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("malformed JSON: Unexpected end-of-input: expected close marker for Array")
                .hasMessageContaining("line: 1, column: 14")
                .hasMessageContaining("(at line 1, column 15)")
                .hasMessageNotContaining("Source").hasMessageNotContaining("REDACTED");
    }
}
