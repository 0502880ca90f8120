package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.model.Classification;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("answers file " + file + " does not exist or is not a file");
        }
        try {
            List<LabelledConversation> entries = startsWithBracket(file) ? readArray(file) : readLines(file);
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("answers file " + file + " holds no conversations");
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the answers file " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<LabelledConversation> readArray(Path file) throws IOException {
        JsonNode array;
        try {
            array = Json.tree(Files.readAllBytes(file));
        } catch (PayloadException e) {
            throw new IllegalArgumentException("answers file " + file + " is not a valid JSON array: " + e.getMessage(), e);
        }
        List<LabelledConversation> entries = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            entries.add(entry(file, "item " + (i + 1), array.get(i)));
        }
        return entries;
    }

    private static List<LabelledConversation> readLines(Path file) throws IOException {
        List<LabelledConversation> entries = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int number = 1; (line = reader.readLine()) != null; number++) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.tree(line.getBytes(StandardCharsets.UTF_8));
                } catch (PayloadException e) {
                    throw new IllegalArgumentException("answers file " + file + " line " + number + " is not valid JSON: "
                            + e.getMessage(), e);
                }
                entries.add(entry(file, "line " + number, node));
            }
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

    private static boolean startsWithBracket(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            do {
                c = reader.read();
            } while (c != -1 && Character.isWhitespace(c));
            return c == '[';
        }
    }
}
