package dev.triage.gateway.http;

import io.javalin.http.Context;
import org.slf4j.MDC;

import java.util.UUID;

/**
 * Every request gets an id: returned as {@code X-Request-Id}, sent to Kafka as the correlation id,
 * and put on every log line about the request (MDC key {@code correlation_id}) here and in the
 * classifier. It is always generated here: a client-chosen id could collide with another
 * request's and cross their replies.
 */
public final class RequestId {

    public static final String MDC_KEY = "correlation_id";
    private static final String ATTRIBUTE = "triage.request-id";

    private RequestId() {
    }

    static void assign(Context ctx) {
        String id = UUID.randomUUID().toString();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header("X-Request-Id", id);
        MDC.put(MDC_KEY, id);
    }

    static void clear() {
        MDC.remove(MDC_KEY);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "none" : id;
    }
}
