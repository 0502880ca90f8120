package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.JsonEntries;
import dev.triage.core.json.JsonEntries.UnreadableFileException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the conversations to send: a JSON array of objects, or JSON lines (one object per line,
 * blank lines ignored), each in the {@code POST /classify} shape. Only the file's syntax is
 * checked here: an object the server will reject (no messages, ...) is still sent, so that its
 * rejection is reported with the server's reason. The first entry with a given
 * {@code conversation_number} is kept and later ones are skipped; entries without one are all kept
 * (the server generates a number for each).
 */
final class ConversationFile {

    /** The entries to send, in file order, and how many duplicates were left out. */
    record Contents(List<Entry> entries, int duplicatesSkipped) {
    }

    /**
     * One conversation and where it came from.
     *
     * @param where "line 4" or "item 7" (both from 1)
     * @param body  the object as written in the file, sent unchanged
     */
    record Entry(String where, JsonNode body) {
    }

    private ConversationFile() {
    }

    /** The entries; an {@link UnreadableFileException} (nothing is sent) names the file and the line or item. */
    static Contents read(Path file) throws IOException {
        List<Entry> all = new ArrayList<>();
        for (JsonEntries.Entry entry : JsonEntries.read(file)) {
            if (entry.invalid() != null) {
                throw new UnreadableFileException(file + " is neither a JSON array nor JSON lines: "
                        + entry.where() + " is not valid JSON (" + entry.invalid() + ")");
            }
            all.add(entry(file, entry.where(), entry.node()));
        }
        if (all.isEmpty()) {
            throw new UnreadableFileException(file + " holds no conversations");
        }
        return dedupe(all);
    }

    static Contents dedupe(List<Entry> all) {
        Set<String> seen = new HashSet<>();
        List<Entry> kept = new ArrayList<>();
        for (Entry entry : all) {
            String number = conversationNumber(entry.body());
            if (number == null || seen.add(number)) {
                kept.add(entry);
            }
        }
        return new Contents(List.copyOf(kept), all.size() - kept.size());
    }

    /**
     * The number as the server reads it ({@code "123"} and {@code 123} are the same conversation),
     * or null when there is none or it is not a usable number (then the server decides).
     */
    private static String conversationNumber(JsonNode body) {
        JsonNode node = body.get("conversation_number");
        if (node == null || !(node.isTextual() || node.isIntegralNumber()) || node.asText().isBlank()) {
            return null;
        }
        return node.asText().strip();
    }

    private static Entry entry(Path file, String where, JsonNode node) {
        if (!node.isObject()) {
            throw new UnreadableFileException(file + ": " + where + " must be a JSON object, was "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return new Entry(where, node);
    }
}
