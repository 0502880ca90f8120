package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.taxonomy.Taxonomy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The simulator's classification: for each label kind, a value from the schema the request sent
 * (or the default taxonomy when it sent none), picked by a hash of the conversation, so the same
 * text always gets the same, schema-valid answer.
 */
final class SimulatedAnswer {

    private SimulatedAnswer() {
    }

    static String classify(String conversation, JsonNode schema) {
        Map<String, String> answer = new LinkedHashMap<>();
        for (String field : List.of("intent", "topic", "sentiment")) {
            List<String> allowed = allowed(schema, field);
            answer.put(field, allowed.get((int) (hash(field + "|" + conversation) % allowed.size())));
        }
        return Json.encodeToString(answer);
    }

    /** A broken answer: prose instead of JSON, or labels outside the taxonomy. */
    static String malformed(Dice dice) {
        return dice.roll() < 0.5 ? "Sure! Here is the classification: intent=refund"
                : "{\"intent\": \"teleportation\", \"topic\": \"order\", \"sentiment\": \"ecstatic\"}";
    }

    private static List<String> allowed(JsonNode schema, String field) {
        JsonNode values = schema == null ? null : schema.path("properties").path(field).get("enum");
        List<String> result = new ArrayList<>();
        if (values != null && values.isArray()) {
            values.forEach(v -> result.add(v.asText()));
        }
        if (result.isEmpty()) {
            Taxonomy defaults = Taxonomy.defaults();
            List<Taxonomy.Label> labels = switch (field) {
                case "intent" -> defaults.intents();
                case "topic" -> defaults.topics();
                default -> defaults.sentiments();
            };
            labels.forEach(l -> result.add(l.name()));
        }
        return result;
    }

    private static long hash(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
