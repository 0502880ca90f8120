package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.model.Classification;
import dev.triage.core.taxonomy.Taxonomy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The answer contract, generated from the taxonomy: the JSON schema sent to the model and the
 * local validation of what comes back (models do not always respect a schema even when asked).
 */
public final class AnswerSchema {

    private final Taxonomy taxonomy;
    private final ObjectNode schema;

    public AnswerSchema(Taxonomy taxonomy) {
        this.taxonomy = taxonomy;
        this.schema = build(taxonomy);
    }

    /** {@code {"type": "object", "properties": {intent: {enum}, topic: {enum}, sentiment: {enum}}, ...}}. */
    public ObjectNode schema() {
        return schema.deepCopy();
    }

    /**
     * The classification in {@code content}, labels normalised to their taxonomy names.
     *
     * @throws InvalidAnswerException saying what is wrong, to be told to the model
     */
    public Classification validate(String content) {
        JsonNode answer;
        try {
            answer = Json.tree(stripFence(content).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (PayloadException e) {
            throw new InvalidAnswerException("the answer is not valid JSON");
        }
        if (!answer.isObject()) {
            throw new InvalidAnswerException("the answer must be a JSON object");
        }
        return new Classification(
                label(answer, "intent", taxonomy.intents()),
                label(answer, "topic", taxonomy.topics()),
                label(answer, "sentiment", taxonomy.sentiments()));
    }

    private static String label(JsonNode answer, String field, List<Taxonomy.Label> allowed) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidAnswerException("\"" + field + "\" is missing or not a string");
        }
        Optional<String> match = Taxonomy.match(allowed, value.asText());
        return match.orElseThrow(() -> new InvalidAnswerException("\"" + field + "\" is \"" + value.asText()
                + "\", which is not one of " + allowed.stream().map(Taxonomy.Label::name).toList()));
    }

    /** Models often wrap JSON in a markdown fence; take what is inside. */
    private static String stripFence(String content) {
        String text = content.strip();
        if (text.startsWith("```")) {
            int start = text.indexOf('\n');
            int end = text.lastIndexOf("```");
            if (start > 0 && end > start) {
                return text.substring(start + 1, end).strip();
            }
        }
        return text;
    }

    private static ObjectNode build(Taxonomy taxonomy) {
        ObjectNode root = Json.mapper().createObjectNode().put("type", "object");
        ObjectNode properties = root.putObject("properties");
        enumProperty(properties, "intent", taxonomy.intents());
        enumProperty(properties, "topic", taxonomy.topics());
        enumProperty(properties, "sentiment", taxonomy.sentiments());
        root.putArray("required").add("intent").add("topic").add("sentiment");
        root.put("additionalProperties", false);
        return root;
    }

    private static void enumProperty(ObjectNode properties, String name, List<Taxonomy.Label> labels) {
        ObjectNode property = properties.putObject(name).put("type", "string");
        labels.forEach(l -> property.withArray("enum").add(l.name().toLowerCase(Locale.ROOT)));
    }

    /** An answer that parsed or not, but is not a valid classification. */
    public static final class InvalidAnswerException extends RuntimeException {
        public InvalidAnswerException(String message) {
            super(message);
        }
    }
}
