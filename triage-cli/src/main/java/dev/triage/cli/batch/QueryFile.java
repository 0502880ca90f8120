package dev.triage.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.triage.core.json.JsonEntries;
import dev.triage.core.json.JsonEntries.UnreadableFileException;
import dev.triage.core.json.Json;
import org.bson.Document;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads queries to load: a JSON array or JSON lines of {@code {text, metadata}} or full query
 * documents ({@code _id} as a string or {@code {"$oid": ...}}, {@code messages: [{sender, text}]}),
 * or a CSV file with a {@code text} column (the other columns become metadata). Each entry is
 * checked on its own; the bad ones are reported with their line (or array item, from 1) and reason.
 */
final class QueryFile {

    /** What a file holds: queries ready to insert, and the entries left out with why. */
    record Contents(List<Entry> queries, List<String> rejected) {
    }

    /** A query and where it came from in the file ("line 4", "item 7"). */
    record Entry(String where, Document query) {
    }

    private QueryFile() {
    }

    static Contents read(Path file) throws IOException {
        JsonEntries.requireFile(file);
        Contents contents = new Contents(new ArrayList<>(), new ArrayList<>());
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            readCsv(file, contents);
            return contents;
        }
        for (JsonEntries.Entry entry : JsonEntries.read(file)) {
            if (entry.invalid() != null) {
                contents.rejected().add(entry.where() + ": not valid JSON (" + entry.invalid() + ")");
            } else {
                add(contents, entry.where(), entry.node());
            }
        }
        return contents;
    }

    private static void readCsv(Path file, Contents contents) throws IOException {
        CsvMapper csv = new CsvMapper();
        try (MappingIterator<Map<String, String>> rows = csv.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            int line = 1;
            while (rows.hasNextValue()) {
                line++;
                Map<String, String> row = rows.nextValue();
                if (!row.containsKey("text")) {
                    throw new UnreadableFileException(file + " has no 'text' column; its columns are " + row.keySet());
                }
                Map<String, String> metadata = new java.util.LinkedHashMap<>(row);
                String text = metadata.remove("text");
                add(contents, "line " + line, Json.mapper().valueToTree(Map.of("text", text == null ? "" : text,
                        "metadata", metadata)));
            }
        } catch (RuntimeException e) {
            if (e instanceof UnreadableFileException u) {
                throw u;
            }
            throw new UnreadableFileException(file + " is not a valid CSV file: " + e.getMessage());
        }
    }

    private static void add(Contents contents, String where, JsonNode entry) {
        String problem = QueryCheck.problem(entry);
        if (problem != null) {
            contents.rejected().add(where + ": " + problem);
            return;
        }
        Document query = Document.parse(entry.toString());
        query.put("processed", false);
        contents.queries().add(new Entry(where, query));
    }
}
