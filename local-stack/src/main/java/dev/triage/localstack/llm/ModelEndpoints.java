package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's HTTP endpoints. A chat request is judged by the {@link AdmissionPolicy}; one let
 * through waits for a {@link ProcessingSlots} slot, and its answer is scheduled after the latency,
 * so no thread sleeps or waits for a request.
 */
final class ModelEndpoints implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ModelEndpoints.class);
    private static final Pattern TOP = Pattern.compile("top=(\\d{1,6})");

    private final Faults faults;
    private final List<String> models;
    private final Dice dice;
    private final Answers answers;
    private final AdmissionPolicy admission;
    private final ChatStats stats;
    private final ProcessingSlots slots;
    private final ScheduledExecutorService delays;
    private final CallCounts calls;
    private final CallsLog callsLog;
    private final Clock clock;

    ModelEndpoints(Faults faults, List<String> models, Dice dice, Answers answers, ChatStats stats, ProcessingSlots slots,
                   ScheduledExecutorService delays, CallCounts calls, CallsLog callsLog, Clock clock) {
        this.faults = faults;
        this.models = List.copyOf(models);
        this.dice = dice;
        this.answers = answers;
        this.admission = new AdmissionPolicy(dice);
        this.stats = stats;
        this.slots = slots;
        this.delays = delays;
        this.calls = calls;
        this.callsLog = callsLog;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if ("GET".equals(exchange.getRequestMethod())) {
            switch (path) {
                case "/api/tags" -> send(exchange, 200, Map.of("models", models.stream().map(m -> Map.of("name", m)).toList()), false);
                case "/v1/models" -> send(exchange, 200, Map.of("object", "list",
                        "data", models.stream().map(m -> Map.of("id", m, "object", "model")).toList()), false);
                case "/calls" -> sendCalls(exchange);
                default -> send(exchange, 404, Map.of("error", "no such endpoint " + path), false);
            }
            return;
        }
        boolean ollama = path.equals("/api/chat");
        if (!ollama && !path.equals("/v1/chat/completions")) {
            send(exchange, 404, Map.of("error", "no such endpoint " + path), false);
            return;
        }
        long arrived = System.nanoTime();
        stats.arrived();
        JsonNode request;
        try {
            request = Json.tree(exchange.getRequestBody().readAllBytes());
        } catch (PayloadException e) {
            send(exchange, 400, Map.of("error", e.getMessage()), true);
            return;
        }
        respond(exchange, ollama, request, arrived);
    }

    private void respond(HttpExchange exchange, boolean ollama, JsonNode request, long arrived) throws IOException {
        String conversation = ConversationKey.of(request);
        Verdict verdict = admission.judge(faults, ollama, request, stats.held());
        if (verdict instanceof Verdict.AnswerNow now) {
            now.retryAfterSeconds().ifPresent(s -> exchange.getResponseHeaders().add("Retry-After", String.valueOf(s)));
            recordCall(conversation, now.status());
            send(exchange, now.status(), now.body(), true);
        } else if (verdict instanceof Verdict.Process process) {
            Object body = answerBody(ollama, request, process.badOutput());
            slots.acquire(() -> process(exchange, conversation, body, arrived));
        }
        // Verdict.Hang: never answered; the exchange is dropped when the simulator stops.
    }

    private Object answerBody(boolean ollama, JsonNode request, boolean badOutput) {
        String content = answers.content(request,
                ollama ? request.get("format") : request.path("response_format").path("json_schema").get("schema"), badOutput);
        return ollama ? OllamaShape.of(request, content) : OpenAiShape.of(request, content);
    }

    /** Runs once the request has a processing slot: the latency counts from here. */
    private void process(HttpExchange exchange, String conversation, Object body, long arrived) {
        Faults f = faults;
        long delay = f.latencyMs + (f.jitterMs > 0 ? (long) (dice.roll() * f.jitterMs) : 0);
        if (delay <= 0) {
            answer(exchange, conversation, body, arrived);
        } else {
            delays.schedule(() -> answer(exchange, conversation, body, arrived), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends a 200 and frees its slot, whether or not the client is still there to read it. */
    private void answer(HttpExchange exchange, String conversation, Object body, long arrived) {
        try {
            recordCall(conversation, 200);
            send(exchange, 200, body, true);
            stats.served(System.nanoTime() - arrived);
        } catch (IOException e) {
            LOG.debug("A client left before its answer: {}", e.toString());
        } finally {
            slots.release();
        }
    }

    /** Counts a call just before its answer leaves, as {@link ChatStats} does; a hung call is never counted. */
    private void recordCall(String conversation, int status) {
        calls.record(conversation, status);
        try {
            callsLog.record(conversation, status, clock.instant());
        } catch (UncheckedIOException e) {
            LOG.error("The calls log misses a call of {}: {}", conversation, e.getMessage());
        }
    }

    /** {@code GET /calls[?top=N]}: the {@link CallSummary}, with the N conversations called about most. */
    private void sendCalls(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        int top = 0;
        if (query != null) {
            Matcher m = TOP.matcher(query);
            if (!m.matches()) {
                send(exchange, 400, Map.of("error", "the only parameter of /calls is top=N (N >= 0), was " + query), false);
                return;
            }
            top = Integer.parseInt(m.group(1));
        }
        send(exchange, 200, calls.summary(top), false);
    }

    /** Answers; a counted request stops counting as held just before its answer leaves. */
    private void send(HttpExchange exchange, int status, Object body, boolean counted) throws IOException {
        byte[] bytes = Json.encode(body);
        if (counted) {
            stats.answered(status);
        }
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        }
    }
}
