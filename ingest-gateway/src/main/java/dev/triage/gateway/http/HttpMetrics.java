package dev.triage.gateway.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * Records every request as {@code triage_http_requests_seconds} by method, route (the path
 * template, so ids do not explode the series) and status.
 */
final class HttpMetrics {

    private final MeterRegistry registry;

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, Float millis) {
        Timer.builder("triage.http.requests").description("HTTP requests served by the gateway")
                .tag("method", ctx.method().name()).tag("route", route(ctx)).tag("status", String.valueOf(ctx.statusCode()))
                .publishPercentileHistogram().register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private static String route(Context ctx) {
        var matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? "unmatched" : matched.path;
    }
}
