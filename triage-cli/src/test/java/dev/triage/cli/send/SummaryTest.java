package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.triage.core.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryTest {

    private static final JsonNode BODY = JsonNodeFactory.instance.objectNode();

    @Test
    void countsFailuresByTypeAndPrintsTheFieldsAsJson() throws Exception {
        List<ConversationFile.Entry> entries = List.of(entry("item 1"), entry("item 2"), entry("item 4"), entry("item 5"));
        List<Outcome> outcomes = List.of(Outcome.ok(BODY, 10), Outcome.failed("ValidationError", "messages must not be empty", 3L),
                Outcome.failed("ConnectionError", "refused", null), Outcome.failed("ValidationError", "x", 5L));

        Summary summary = Summary.of(entries, outcomes, 2, Path.of("data", "r.json"));
        JsonNode json = Json.tree(summary.toJson().getBytes(StandardCharsets.UTF_8));

        assertThat(json.get("sent").asInt()).isEqualTo(4);
        assertThat(json.get("ok").asInt()).isEqualTo(1);
        assertThat(json.get("failed").asInt()).isEqualTo(3);
        assertThat(json.get("failed_by_type").get("ValidationError").asInt()).isEqualTo(2);
        assertThat(json.get("failed_by_type").get("ConnectionError").asInt()).isEqualTo(1);
        assertThat(json.get("failures")).extracting(JsonNode::asText).containsExactly(
                "item 2: ValidationError: messages must not be empty", "item 4: ConnectionError: refused",
                "item 5: ValidationError: x");
        assertThat(json.get("duplicates_skipped").asInt()).isEqualTo(2);
        assertThat(json.get("p50_ms").asLong()).isEqualTo(5);
        assertThat(json.get("p99_ms").asLong()).isEqualTo(10);
        assertThat(json.get("output").asText()).isEqualTo(Path.of("data", "r.json").toString());
        assertThat(summary.toText()).contains("sent 4, ok 1, failed 3, duplicates skipped 2", "failed ValidationError: 2",
                "item 2: ValidationError: messages must not be empty", "item 4: ConnectionError: refused");
    }

    @Test
    void percentilesAreNearestRankAndNullWithoutAnswers() {
        List<Long> hundred = LongStream.rangeClosed(1, 100).boxed().toList();

        assertThat(Summary.percentile(hundred, 0.50)).isEqualTo(50);
        assertThat(Summary.percentile(hundred, 0.99)).isEqualTo(99);
        assertThat(Summary.percentile(List.of(7L), 0.99)).isEqualTo(7);
        assertThat(Summary.percentile(List.of(), 0.50)).isNull();
        assertThat(Summary.of(List.of(entry("line 1")), List.of(Outcome.failed("ConnectionError", "x", null)), 0,
                Path.of("r.json")).toJson()).contains("\"p50_ms\":null", "\"p99_ms\":null");
    }

    private static ConversationFile.Entry entry(String where) {
        return new ConversationFile.Entry(where, BODY);
    }
}
