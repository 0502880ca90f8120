package dev.triage.gateway.http;

import dev.triage.core.json.Json;
import dev.triage.core.lifecycle.Liveness;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: 200 {@code {"status":"ok"}} while every loop of the process runs, else 503
 * {@code {"status":"down","reason":"..."}} naming the first that died, so that an orchestrator
 * restarts the instance. Unlike {@code /ready}, it does not ask Kafka or MongoDB: an outage is
 * waited out, a dead loop only a restart mends.
 */
public final class HealthHandler implements Handler {

    private final Liveness liveness;

    public HealthHandler(Liveness liveness) {
        this.liveness = liveness;
    }

    @Override
    public void handle(Context ctx) {
        String problem = liveness.problem();
        Map<String, String> body = new LinkedHashMap<>(); // status first, always
        body.put("status", problem == null ? "ok" : "down");
        if (problem != null) {
            body.put("reason", problem);
        }
        ctx.status(problem == null ? 200 : 503).contentType("application/json").result(Json.encodeToString(body));
    }
}
