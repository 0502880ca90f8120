package dev.triage.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The OpenAPI document ({@code openapi.json} next to this class) and a plain page rendered from it
 * for {@code /docs}: self-contained, so it works on a laptop without internet access.
 */
final class ApiDocs {

    private final String json;
    private final String html;

    private ApiDocs(String json, String html) {
        this.json = json;
        this.html = html;
    }

    static ApiDocs load() {
        try (InputStream in = ApiDocs.class.getResourceAsStream("openapi.json")) {
            byte[] bytes = in.readAllBytes();
            return new ApiDocs(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), render(Json.tree(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.json is missing from the jar", e);
        }
    }

    String json() {
        return json;
    }

    String html() {
        return html;
    }

    private static String render(JsonNode spec) {
        StringBuilder page = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(spec.at("/info/title").asText())).append("</title><style>body{font-family:sans-serif;"
                        + "max-width:60em;margin:2em auto;line-height:1.4}code,pre{background:#f4f4f4;padding:2px 4px}"
                        + "h2{border-top:1px solid #ccc;padding-top:1em}td{vertical-align:top;padding:2px 8px}</style></head><body>")
                .append("<h1>").append(escape(spec.at("/info/title").asText())).append("</h1><p>")
                .append(escape(spec.at("/info/description").asText()))
                .append("</p><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a></p>");
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(op -> renderOperation(page, spec, op.getKey(), path.getKey(), op.getValue()));
        }
        return page.append("</body></html>").toString();
    }

    private static void renderOperation(StringBuilder page, JsonNode spec, String method, String path, JsonNode op) {
        page.append("<h2><code>").append(method.toUpperCase(java.util.Locale.ROOT)).append(' ').append(escape(path))
                .append("</code> ").append(escape(op.path("summary").asText())).append("</h2>");
        if (op.has("description")) {
            page.append("<p>").append(escape(op.get("description").asText())).append("</p>");
        }
        for (JsonNode p : op.path("parameters")) {
            page.append("<p>Parameter <code>").append(escape(p.path("name").asText())).append("</code> (")
                    .append(escape(p.path("in").asText())).append(") ").append(escape(p.path("description").asText())).append("</p>");
        }
        JsonNode example = resolve(spec, op.at("/requestBody/content/application~1json/schema")).path("example");
        if (!example.isMissingNode()) {
            page.append("<p>Example body:</p><pre>").append(escape(example.toPrettyString())).append("</pre>");
        }
        page.append("<table>");
        op.path("responses").fields().forEachRemaining(r -> {
            JsonNode response = resolve(spec, r.getValue());
            page.append("<tr><td><b>").append(r.getKey()).append("</b></td><td>")
                    .append(escape(response.path("description").asText()));
            response.path("headers").fieldNames().forEachRemaining(h -> page.append(" <code>").append(escape(h)).append("</code>"));
            page.append("</td></tr>");
        });
        page.append("</table>");
    }

    /** Follows a local {@code $ref} ("#/components/..."), or returns the node itself. */
    private static JsonNode resolve(JsonNode spec, JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : spec.at(ref.asText().substring(1));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
