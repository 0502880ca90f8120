package dev.triage.gateway.http;

import dev.triage.core.json.Json;
import dev.triage.core.lifecycle.Failures;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /ready}: 200 when this instance can answer requests (its reply listener is assigned
 * and running, Kafka answers, and with the relay on: MongoDB answers and the relay runs if this
 * gateway holds its lease), else 503 naming what is not. Each probe gets {@link #PROBE_TIMEOUT}; they run in parallel. An answer is reused for
 * {@link #REUSE_FOR}, so a flood of probes runs the checks at most once a second.
 */
public final class ReadyHandler implements Handler {

    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration REUSE_FOR = Duration.ofSeconds(1);

    private record Answer(int status, String body, long atNanos) {
    }

    /** A dependency check: completes normally when the dependency answered. */
    public interface Probe {
        CompletableFuture<?> check();

        /** A check of this process's own state: {@code notReady} answers null when fine, else why not. */
        static Probe state(java.util.function.Supplier<String> notReady) {
            return () -> {
                String reason = notReady.get();
                return reason == null ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(new IllegalStateException(reason));
            };
        }
    }

    private final BooleanSupplier listenerRunning;
    private final Map<String, Probe> probes;
    private Answer last;

    public ReadyHandler(BooleanSupplier listenerRunning, Map<String, Probe> probes) {
        this.listenerRunning = listenerRunning;
        this.probes = new LinkedHashMap<>(probes);
    }

    @Override
    public void handle(Context ctx) {
        Answer answer = answer();
        ctx.status(answer.status()).contentType("application/json").result(answer.body());
    }

    private synchronized Answer answer() {
        if (last == null || System.nanoTime() - last.atNanos() > REUSE_FOR.toNanos()) {
            last = check();
        }
        return last;
    }

    private Answer check() {
        Map<String, CompletableFuture<String>> running = new LinkedHashMap<>();
        probes.forEach((name, probe) -> running.put(name, outcome(probe)));
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("reply_listener", listenerRunning.getAsBoolean() ? "ok" : "stopped");
        running.forEach((name, outcome) -> checks.put(name, outcome.join()));
        String failed = checks.entrySet().stream().filter(e -> !e.getValue().equals("ok"))
                .map(e -> e.getKey() + ": " + e.getValue()).reduce((a, b) -> a + "; " + b).orElse(null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", failed == null ? "ready" : "not_ready");
        body.put("checks", checks);
        if (failed != null) {
            body.put("error", Map.of("type", "NotReady", "message", failed));
        }
        return new Answer(failed == null ? 200 : 503, Json.encodeToString(body), System.nanoTime());
    }

    private static CompletableFuture<String> outcome(Probe probe) {
        CompletableFuture<?> check;
        try {
            check = probe.check();
        } catch (RuntimeException e) {
            check = CompletableFuture.failedFuture(e);
        }
        return check.orTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).handle((ok, error) -> {
            if (error == null) {
                return "ok";
            }
            Throwable cause = Failures.cause(error);
            return cause instanceof java.util.concurrent.TimeoutException
                    ? "no answer within " + PROBE_TIMEOUT.toSeconds() + " s" : String.valueOf(cause.getMessage());
        });
    }
}
