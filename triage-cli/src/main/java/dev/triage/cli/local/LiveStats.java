package dev.triage.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Reads the current hour's counts from the gateway's {@code GET /stats}, for the demo and {@code local}. */
final class LiveStats {

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;

    LiveStats(int gatewayPort) {
        this.uri = URI.create("http://localhost:" + gatewayPort + "/stats?window=1h");
    }

    /** The newest 1-hour bucket, or null when there is none yet or the gateway did not answer. */
    JsonNode currentHour() throws InterruptedException {
        try {
            JsonNode buckets = Json.tree(http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body()).path("buckets");
            return buckets.isEmpty() ? null : buckets.get(buckets.size() - 1);
        } catch (IOException | PayloadException e) {
            return null;
        }
    }

    static long total(JsonNode counts) {
        long total = 0;
        for (JsonNode n : counts) {
            total += n.asLong();
        }
        return total;
    }

    static String format(JsonNode bucket) {
        StringBuilder out = new StringBuilder();
        for (String dimension : List.of("intent", "topic", "sentiment")) {
            out.append(String.format("  %-10s %s%n", dimension, bucket == null ? "{}" : bucket.path(dimension)));
        }
        return out.toString();
    }
}
