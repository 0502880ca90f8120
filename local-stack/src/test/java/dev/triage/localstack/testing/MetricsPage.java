package dev.triage.localstack.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;

/**
 * A service's {@code GET /metrics} page as Prometheus scrapes it, and the values on it. The
 * registry is shared by the whole test JVM, so tests compare a page taken before with one after.
 */
public final class MetricsPage {

    private MetricsPage() {
    }

    /** The page served on {@code localhost:port}; fails unless it answered 200. */
    public static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.statusCode());
        }
        return response.body();
    }

    /** {@code GET path} on {@code localhost:port}, whatever it answers (e.g. {@code /health}). */
    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** How much the samples of {@code name} with {@code labels} grew from {@code before} to {@code after}. */
    public static double grown(String before, String after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    /** The sum of the samples of {@code name} that carry all {@code labels} ({@code key="value"}). */
    public static double value(String page, String name, String... labels) {
        return page.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Stream.of(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
