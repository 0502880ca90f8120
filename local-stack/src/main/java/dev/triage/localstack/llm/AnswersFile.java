package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.JsonEntries;
import dev.triage.core.model.Classification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the labelled conversations of an answers file, the file {@code triage eval} reads: one JSON
 * array of objects, or JSON lines (one object per line, blank lines ignored). Each object needs
 * {@code messages} (objects with a string {@code text}) and {@code expected} (string {@code intent},
 * {@code topic}, {@code sentiment}); other fields ({@code conversation_number}, {@code channel},
 * senders...) are ignored. The first bad entry stops the reading, with an
 * {@link IllegalArgumentException} naming the file and the line (or array item): a test device
 * must not run on half its data.
 */
final class AnswersFile {

    private AnswersFile() {
    }

    static List<LabelledConversation> read(Path file) {
        List<LabelledConversation> entries = new ArrayList<>();
        try {
            for (JsonEntries.Entry entry : JsonEntries.read(file)) {
                if (entry.node() == null) {
                    throw new IllegalArgumentException("answers file " + file + " " + entry.where()
                            + " is not valid JSON: " + entry.invalid());
                }
                entries.add(entry(file, entry.where(), entry.node()));
            }
        } catch (JsonEntries.UnreadableFileException e) {
            throw new IllegalArgumentException("answers file " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the answers file " + file + ": " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("answers file " + file + " holds no conversations");
        }
        return entries;
    }

    private static LabelledConversation entry(Path file, String where, JsonNode node) {
        String at = "answers file " + file + " " + where + ": ";
        if (!node.isObject()) {
            throw new IllegalArgumentException(at + "must be a JSON object, was " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        JsonNode messages = node.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException(at + "\"messages\" must be a non-empty array");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            texts.add(LabelledConversation.normalise(string(messages.get(i), "text", at + "messages[" + i + "]")));
        }
        JsonNode expected = node.path("expected");
        if (!expected.isObject()) {
            throw new IllegalArgumentException(at + "\"expected\" must be an object with intent, topic and sentiment");
        }
        Classification labels = new Classification(string(expected, "intent", at + "expected"),
                string(expected, "topic", at + "expected"), string(expected, "sentiment", at + "expected"));
        return new LabelledConversation(where, texts, labels);
    }

    private static String string(JsonNode parent, String field, String at) {
        JsonNode value = parent.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(at + "." + field + " must be a non-empty string");
        }
        return value.asText().strip();
    }
}
