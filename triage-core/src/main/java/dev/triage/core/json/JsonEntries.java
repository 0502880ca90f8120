package dev.triage.core.json;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a file that is a JSON array, or JSON lines (one value per line, blank lines
 * ignored), each with where it stands. Whether a line that is not JSON spoils the whole file is
 * the caller's decision ({@code load} rejects the line, {@code send} the file); an array that is
 * not valid JSON cannot be read at all.
 */
public final class JsonEntries {

    /**
     * One entry.
     *
     * @param where   "item 7" or "line 4" (both from 1)
     * @param node    the value, null when the line is not JSON
     * @param invalid why the line is not JSON, null when it is
     */
    public record Entry(String where, JsonNode node, String invalid) {
    }

    /** The file cannot be used as a whole; the message names the file and why. */
    public static final class UnreadableFileException extends RuntimeException {
        public UnreadableFileException(String message) {
            super(message);
        }
    }

    private JsonEntries() {
    }

    /** Fails with {@link UnreadableFileException} unless {@code file} is a regular file. */
    public static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UnreadableFileException(file + " does not exist or is not a file");
        }
    }

    /** The entries in file order; an array when the first non-blank character is '['. */
    public static List<Entry> read(Path file) throws IOException {
        requireFile(file);
        return firstChar(file) == '[' ? readArray(file) : readLines(file);
    }

    private static List<Entry> readArray(Path file) throws IOException {
        JsonNode array;
        try {
            array = Json.tree(Files.readAllBytes(file));
        } catch (PayloadException e) {
            throw new UnreadableFileException(file + " is not a valid JSON array: " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            entries.add(new Entry("item " + (i + 1), array.get(i), null));
        }
        return entries;
    }

    private static List<Entry> readLines(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    entries.add(new Entry("line " + number, Json.tree(line.getBytes(StandardCharsets.UTF_8)), null));
                } catch (PayloadException e) {
                    entries.add(new Entry("line " + number, null, e.getMessage()));
                }
            }
        }
        return entries;
    }

    private static int firstChar(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            while ((c = reader.read()) != -1 && Character.isWhitespace(c)) {
                // leading whitespace says nothing about the format
            }
            return c;
        }
    }
}
