package dev.triage.gateway.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Records every request as {@code triage_http_requests_seconds} by method, route (the path
 * template, so ids do not explode the series) and status, and logs it at DEBUG (an access log
 * line with the request's correlation id, for {@code LOG_LEVEL=DEBUG}).
 */
final class HttpMetrics {

    private static final Logger LOG = LoggerFactory.getLogger("dev.triage.gateway.access");

    private final MeterRegistry registry;

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, Float millis) {
        if (LOG.isDebugEnabled()) {
            try (MDC.MDCCloseable request = MDC.putCloseable(RequestId.MDC_KEY, RequestId.of(ctx))) {
                LOG.debug("{} {} {} {} ms", ctx.method(), ctx.path(), ctx.statusCode(), String.format(Locale.ROOT, "%.1f", millis));
            }
        }
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
