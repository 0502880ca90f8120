package dev.triage.core.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.triage.core.json.Json;
import dev.triage.core.lifecycle.Liveness;
import dev.triage.core.lifecycle.Resources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /metrics} (Prometheus text) and {@code GET /health} for the services that have no
 * HTTP API of their own (classifier, sink). The gateway serves the same page on its own port.
 * {@code /health} asks the service's {@link Liveness} on every request: 200 {@code {"status":"ok"}}
 * while it reports no problem, else 503 {@code {"status":"down","reason":"..."}}.
 */
public final class MetricsServer implements AutoCloseable {

    /** The port setting that means: serve no metrics. */
    public static final int OFF = -1;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Binds {@code host:port} (port 0 = a free port) and starts serving; {@code /health} reports {@code liveness}. */
    public static MetricsServer start(String host, int port, Liveness liveness) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
            server.createContext("/metrics", exchange -> respond(exchange, 200, TriageMetrics.CONTENT_TYPE, TriageMetrics.scrape()));
            server.createContext("/health", exchange -> {
                String problem = liveness.problem();
                respond(exchange, problem == null ? 200 : 503, "application/json", health(problem));
            });
            server.start();
            return new MetricsServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code service}'s metrics server on all interfaces unless {@code port} is {@link #OFF},
     * adds it to {@code opened}, logs its URL, and returns the port it serves on (or {@link #OFF}).
     * Its {@code /health} reports {@code liveness}.
     */
    public static int startUnlessOff(String service, int port, Resources opened, Liveness liveness) {
        if (port == OFF) {
            return OFF;
        }
        MetricsServer server = opened.add(start("0.0.0.0", port, liveness));
        LOG.info("{} metrics on http://localhost:{}/metrics", service, server.port());
        return server.port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static String health(String problem) {
        Map<String, String> body = new LinkedHashMap<>(); // status first, always
        body.put("status", problem == null ? "ok" : "down");
        if (problem != null) {
            body.put("reason", problem);
        }
        return Json.encodeToString(body);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            boolean get = "GET".equals(exchange.getRequestMethod());
            byte[] bytes = (get ? body : "{\"error\":{\"type\":\"MethodNotAllowed\",\"message\":\"only GET\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", get ? contentType : "application/json");
            exchange.sendResponseHeaders(get ? status : 405, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
