package dev.triage.gateway.http;

import io.javalin.http.Context;

import java.util.UUID;

/**
 * Every request gets an id: returned as {@code X-Request-Id}, sent to Kafka as the correlation id,
 * and put on the log lines about the request (MDC key {@code correlation_id}, set around each
 * such line: the answer is written on another thread than the request arrived on, so a request
 * thread's MDC would leak into the next request) here and in the classifier. It is always
 * generated here: a client-chosen id could collide with another request's and cross their replies.
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
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "none" : id;
    }
}
