package dev.triage.gateway.http;

import dev.triage.core.json.Json;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/** Renders every error the same way: {@code {"error": {"type": "...", "message": "..."}}}. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static void render(Context ctx, int status, String type, String message) {
        type = type == null ? "Error" : type;
        message = message == null ? type : message;
        Map<String, String> error = new LinkedHashMap<>(); // type first, always
        error.put("type", type);
        error.put("message", message);
        ctx.status(status).contentType("application/json").result(Json.encodeToString(Map.of("error", error)));
    }

    public static void render(Context ctx, ApiException e) {
        if (e.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        render(ctx, e.status(), e.type(), e.getMessage());
    }
}
