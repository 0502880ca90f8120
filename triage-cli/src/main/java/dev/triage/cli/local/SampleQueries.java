package dev.triage.cli.local;

import org.bson.Document;
import org.bson.json.JsonReader;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The demo's sample queries (written for this project), as {@code queries} documents. */
final class SampleQueries {

    private static final String RESOURCE = "/demo/queries.json";

    private SampleQueries() {
    }

    /** Every sample with {@code processed: false}, as the original batch processor expected. */
    static List<Document> load() {
        try (InputStream in = SampleQueries.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            String json = "{\"samples\": " + new String(in.readAllBytes(), StandardCharsets.UTF_8) + "}";
            Document wrapper = new DocumentCodec().decode(new JsonReader(json), DecoderContext.builder().build());
            return wrapper.getList("samples", Document.class).stream()
                    .map(d -> d.append("processed", false)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The query's text (or its last message) on one line, cut to {@code width} characters. */
    static String preview(Document query, int width) {
        String text = query.getString("text");
        if (text == null && query.get("messages") instanceof List<?> messages && !messages.isEmpty()
                && messages.get(messages.size() - 1) instanceof Document last) {
            text = last.getString("text");
        }
        text = text == null ? "" : text.replaceAll("\\s+", " ");
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
