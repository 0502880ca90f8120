package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.localstack.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model server for tests, demos and benchmarks: speaks Ollama ({@code /api/chat},
 * {@code /api/tags}) and OpenAI ({@code /v1/chat/completions}, {@code /v1/models}), answers a
 * schema-valid classification derived from the text, and injects the {@link Faults} asked for.
 * Delayed answers are sent from a scheduler, not a sleeping thread, so thousands of requests can
 * wait at once; it records the peak number of requests it held at the same time.
 */
public final class LlmSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlmSimulator.class);

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
        // and the client's delayed ACK add ~40 ms to every answer (measured: 250 ms calls at 200 ms latency).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final ScheduledExecutorService delays;
    private final Faults faults;
    private final List<String> models;
    private final Random random;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();

    private LlmSimulator(HttpServer server, Faults faults, List<String> models, long seed) {
        this.server = server;
        this.faults = faults;
        this.models = List.copyOf(models);
        this.random = new Random(seed);
        this.workers = Executors.newFixedThreadPool(4, daemon("llm-sim"));
        this.delays = Executors.newScheduledThreadPool(2, daemon("llm-sim-delay"));
    }

    /** Starts on {@code port} (0 = a free port), serving {@code models}, with {@code faults}. */
    public static LlmSimulator start(int port, Faults faults, List<String> models, long seed) {
        int claimed = Ports.claim(port, "The LLM simulator", "--port");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), claimed), 4096);
            LlmSimulator sim = new LlmSimulator(server, faults, models, seed);
            server.setExecutor(sim.workers);
            server.createContext("/", sim::handle);
            server.start();
            LOG.info("LLM simulator on {} serving {}", sim.url(), models);
            return sim;
        } catch (IOException e) {
            throw new IllegalStateException("LLM simulator cannot start on port " + claimed, e);
        }
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    public Faults faults() {
        return faults;
    }

    /** The most requests held at the same time since start (or the last {@link #resetStats()}). */
    public int peakConcurrency() {
        return peak.get();
    }

    public long requests() {
        return requests.get();
    }

    public void resetStats() {
        peak.set(inFlight.get());
        requests.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if ("GET".equals(exchange.getRequestMethod())) {
            switch (path) {
                case "/api/tags" -> send(exchange, 200, Map.of("models", models.stream().map(m -> Map.of("name", m)).toList()), false);
                case "/v1/models" -> send(exchange, 200, Map.of("object", "list",
                        "data", models.stream().map(m -> Map.of("id", m, "object", "model")).toList()), false);
                default -> send(exchange, 404, Map.of("error", "no such endpoint " + path), false);
            }
            return;
        }
        boolean ollama = path.equals("/api/chat");
        if (!ollama && !path.equals("/v1/chat/completions")) {
            send(exchange, 404, Map.of("error", "no such endpoint " + path), false);
            return;
        }
        requests.incrementAndGet();
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        JsonNode request;
        try {
            request = Json.tree(exchange.getRequestBody().readAllBytes());
        } catch (PayloadException e) {
            send(exchange, 400, Map.of("error", e.getMessage()), true);
            return;
        }
        respond(exchange, ollama, request);
    }

    private void respond(HttpExchange exchange, boolean ollama, JsonNode request) throws IOException {
        Faults f = faults;
        int max = f.maxConcurrency;
        if (f.down || (max > 0 && inFlight.get() > max)) {
            send(exchange, 503, Map.of("error", f.down ? "model server is down" : "too many requests at once"), true);
            return;
        }
        if (!ollama && f.rejectJsonSchema && "json_schema".equals(request.path("response_format").path("type").asText())) {
            send(exchange, 400, Map.of("error", Map.of("message", "response_format json_schema is not supported")), true);
            return;
        }
        double dice = roll();
        if (dice < f.hangRate) {
            return; // never answered; the exchange is dropped when the simulator stops
        }
        if (dice < f.hangRate + f.errorRate) {
            send(exchange, 500, Map.of("error", "simulated server error"), true);
            return;
        }
        if (dice < f.hangRate + f.errorRate + f.rateLimitRate) {
            exchange.getResponseHeaders().add("Retry-After", String.valueOf(f.retryAfterSeconds));
            send(exchange, 429, Map.of("error", "simulated rate limit"), true);
            return;
        }
        String content = roll() < f.badOutputRate ? badOutput() : SimulatedAnswer.classify(conversation(request),
                ollama ? request.get("format") : request.path("response_format").path("json_schema").get("schema"));
        Object body = ollama ? OllamaShape.of(request, content) : OpenAiShape.of(request, content);
        long delay = f.latencyMs + (f.jitterMs > 0 ? (long) (roll() * f.jitterMs) : 0);
        if (delay <= 0) {
            send(exchange, 200, body, true);
        } else {
            delays.schedule(() -> {
                send(exchange, 200, body, true);
                return null;
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private String badOutput() {
        return roll() < 0.5 ? "Sure! Here is the classification: intent=refund"
                : "{\"intent\": \"teleportation\", \"topic\": \"order\", \"sentiment\": \"ecstatic\"}";
    }

    /** The first user message: the conversation (later user messages are corrections). */
    private static String conversation(JsonNode request) {
        for (JsonNode m : request.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                return m.path("content").asText();
            }
        }
        return "";
    }

    private synchronized double roll() {
        return random.nextDouble();
    }

    /** Answers; a counted request stops counting as held just before its answer leaves. */
    private void send(HttpExchange exchange, int status, Object body, boolean counted) throws IOException {
        byte[] bytes = Json.encode(body);
        if (counted) {
            inFlight.decrementAndGet();
        }
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        delays.shutdownNow();
        workers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

}
