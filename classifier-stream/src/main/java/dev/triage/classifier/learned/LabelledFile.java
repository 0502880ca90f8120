package dev.triage.classifier.learned;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.triage.core.config.ConfigException;
import dev.triage.core.json.JsonEntries;
import dev.triage.core.model.Message;
import dev.triage.core.taxonomy.Taxonomy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads labelled conversations: JSON lines or a JSON array of
 * {@code {"conversation_number", "messages": [{"sender", "text"}], "expected": {"intent", "topic", "sentiment"}}}
 * (unknown fields ignored), or, for a name ending in {@code .csv}, a CSV file with a header, one text
 * column (a one-message conversation from the customer) and label columns. Every label must be one
 * of the taxonomy's; anything wrong stops the reading with the file, the line and the reason, since
 * a silently dropped example changes what is trained or measured.
 */
public final class LabelledFile {

    /**
     * Which CSV columns hold what.
     *
     * @param text   the column with the text
     * @param labels label kind to column, e.g. {@code intent -> category}
     */
    public record CsvColumns(String text, Map<String, String> labels) {

        /** {@code text}, and a column per label kind named after the kind. */
        public static final CsvColumns DEFAULT = new CsvColumns("text",
                Map.of("intent", "intent", "topic", "topic", "sentiment", "sentiment"));

        public CsvColumns {
            labels = Map.copyOf(labels);
            for (String kind : labels.keySet()) {
                if (!LabelledConversation.KINDS.contains(kind)) {
                    throw new ConfigException("label kind must be one of " + LabelledConversation.KINDS + ", was '" + kind + "'");
                }
            }
        }

        /** Parses {@code kind=column,kind=column} over the defaults. */
        public static CsvColumns parse(String text, List<String> mappings) {
            Map<String, String> labels = new HashMap<>(DEFAULT.labels());
            for (String mapping : mappings) {
                String[] parts = mapping.split("=", 2);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new ConfigException("a label column is given as kind=column, e.g. intent=category; was '" + mapping + "'");
                }
                labels.put(parts[0].strip().toLowerCase(Locale.ROOT), parts[1].strip());
            }
            return new CsvColumns(text, labels);
        }
    }

    private LabelledFile() {
    }

    public static List<LabelledConversation> read(Path file, CsvColumns columns, Taxonomy taxonomy) {
        try {
            JsonEntries.requireFile(file);
            boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
            List<LabelledConversation> read = csv ? readCsv(file, columns, taxonomy) : readJson(file, taxonomy);
            if (read.isEmpty()) {
                throw new ConfigException(file + " holds no labelled conversations");
            }
            return read;
        } catch (JsonEntries.UnreadableFileException e) {
            throw new ConfigException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Reads a resource on the class path, in the JSON lines shape. */
    public static List<LabelledConversation> readResource(String name, Taxonomy taxonomy) {
        try (var in = LabelledFile.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            Path copy = Files.createTempFile("triage-examples", ".jsonl");
            try {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return readJson(copy, taxonomy);
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }

    private static List<LabelledConversation> readJson(Path file, Taxonomy taxonomy) throws IOException {
        List<LabelledConversation> read = new ArrayList<>();
        for (JsonEntries.Entry entry : JsonEntries.read(file)) {
            String where = file + " " + entry.where();
            if (entry.node() == null) {
                throw new ConfigException(where + " is not JSON: " + entry.invalid());
            }
            read.add(conversation(where, entry.node(), taxonomy));
        }
        return read;
    }

    private static LabelledConversation conversation(String where, JsonNode node, Taxonomy taxonomy) {
        JsonNode messages = node.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new ConfigException(where + ": \"messages\" must be a non-empty array");
        }
        List<Message> turns = new ArrayList<>();
        for (JsonNode m : messages) {
            if (!m.path("text").isTextual()) {
                throw new ConfigException(where + ": every message needs a \"text\" string");
            }
            turns.add(new Message(m.path("sender").asText("customer"), m.path("text").asText()));
        }
        JsonNode expected = node.path("expected");
        if (!expected.isObject()) {
            throw new ConfigException(where + ": \"expected\" must be an object with intent, topic and/or sentiment");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String kind : LabelledConversation.KINDS) {
            if (expected.hasNonNull(kind)) {
                labels.put(kind, label(where, taxonomy, kind, expected.get(kind).asText()));
            }
        }
        if (labels.isEmpty()) {
            throw new ConfigException(where + ": \"expected\" has none of intent, topic, sentiment");
        }
        String id = node.path("conversation_number").asText(where);
        return new LabelledConversation(id, turns, labels);
    }

    private static List<LabelledConversation> readCsv(Path file, CsvColumns columns, Taxonomy taxonomy) throws IOException {
        CsvMapper mapper = new CsvMapper();
        List<LabelledConversation> read = new ArrayList<>();
        if (Files.size(file) == 0) {
            return read;
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class)
                     .with(CsvSchema.emptySchema().withHeader()).readValues(reader)) {
            Map<String, String> present = null;
            while (rows.hasNext()) {
                // before next(): after it, the location is the start of the following row
                String where = file + " line " + rows.getCurrentLocation().getLineNr();
                Map<String, String> row = rows.next();
                if (present == null) {
                    present = presentColumns(file, row.keySet(), columns);
                }
                String text = row.get(columns.text());
                if (text == null || text.isBlank()) {
                    throw new ConfigException(where + ": the text column '" + columns.text() + "' is empty");
                }
                Map<String, String> labels = new LinkedHashMap<>();
                for (Map.Entry<String, String> kind : present.entrySet()) {
                    labels.put(kind.getKey(), label(where, taxonomy, kind.getKey(), row.get(kind.getValue())));
                }
                read.add(new LabelledConversation(where, List.of(new Message("customer", text)), labels));
            }
        } catch (JsonProcessingException e) {
            throw invalidCsv(file, e);
        } catch (RuntimeJsonMappingException e) {
            throw e.getCause() instanceof JsonProcessingException cause ? invalidCsv(file, cause)
                    : new ConfigException(file + " is not valid CSV: " + e.getMessage());
        }
        return read;
    }

    /** A file the CSV parser refuses (no header, a row longer than the header) is the configuration's fault. */
    private static ConfigException invalidCsv(Path file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String line = at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr();
        return new ConfigException(file + line + " is not valid CSV: " + e.getOriginalMessage());
    }

    private static Map<String, String> presentColumns(Path file, java.util.Set<String> header, CsvColumns columns) {
        if (!header.contains(columns.text())) {
            throw new ConfigException(file + " has no text column '" + columns.text() + "' (columns: " + header
                    + "); name it with --text-column");
        }
        Map<String, String> present = new LinkedHashMap<>();
        for (String kind : LabelledConversation.KINDS) {
            String column = columns.labels().get(kind);
            if (column != null && header.contains(column)) {
                present.put(kind, column);
            }
        }
        if (present.isEmpty()) {
            throw new ConfigException(file + " has no label column (columns: " + header
                    + "); name one with --label-column intent=COLUMN");
        }
        return present;
    }

    private static String label(String where, Taxonomy taxonomy, String kind, String value) {
        List<Taxonomy.Label> allowed = taxonomy.labels(kind);
        return Taxonomy.match(allowed, value).orElseThrow(() -> new ConfigException(where + ": " + kind + " '" + value
                + "' is not in taxonomy " + taxonomy.version() + " (allowed: "
                + allowed.stream().map(Taxonomy.Label::name).toList() + ")"));
    }
}
