package dev.triage.gateway.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The HTTP API: routes, body limit, authentication, rate limit, request ids, metrics and the one
 * error format. Health, readiness, metrics and the API description stay open without a key.
 */
public final class GatewayServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final Set<String> OPEN = Set.of("/health", "/ready", "/metrics", "/openapi.json", "/docs");

    /** The handlers behind the routes. */
    public record Handlers(ClassifyHandler classify, ConversationsHandler conversations,
                           ClassificationsHandler classifications, StatsHandler stats, HealthHandler health,
                           ReadyHandler ready, Supplier<String> metrics) {
    }

    private GatewayServer() {
    }

    public static Javalin start(HttpSettings settings, Handlers handlers, MeterRegistry registry) {
        ClientRateLimiter rateLimiter = settings.rateLimit() > 0 ? new ClientRateLimiter(settings.rateLimit()) : null;
        HttpMetrics metrics = new HttpMetrics(registry);
        ApiDocs docs = ApiDocs.load();
        return Javalin.create(config -> {
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.startup.showJavalinBanner = false;
            config.requestLogger.http(metrics::record);
            config.routes.before(ctx -> {
                RequestId.assign(ctx);
                rejectLargeBody(ctx.header("Content-Length"), settings.maxBodyBytes());
                if (!OPEN.contains(ctx.path())) {
                    admit(ctx, settings.apiKeys(), rateLimiter);
                }
            });
            config.routes.get("/health", handlers.health());
            config.routes.get("/ready", handlers.ready());
            config.routes.get("/metrics", ctx -> ctx.contentType(dev.triage.core.metrics.TriageMetrics.CONTENT_TYPE)
                    .result(handlers.metrics().get()));
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(docs.json()));
            config.routes.get("/docs", ctx -> ctx.html(docs.html()));
            config.routes.post("/classify", handlers.classify());
            config.routes.post("/conversations", handlers.conversations());
            config.routes.get("/classifications/{id}", handlers.classifications());
            config.routes.get("/stats", handlers.stats());
            config.routes.exception(ApiException.class, (e, ctx) -> ErrorResponses.render(ctx, e));
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    ErrorResponses.render(ctx, e.getStatus(), typeOf(e.getStatus()), messageOf(e, ctx, settings)));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error on {} {} (request {})", ctx.method(), ctx.path(), RequestId.of(ctx), e);
                ErrorResponses.render(ctx, 500, "InternalError", "internal error");
            });
            config.routes.error(404, "*", ctx -> {
                if (ctx.result() == null) {
                    ErrorResponses.render(ctx, 404, "NotFound", noSuchEndpoint(ctx));
                }
            });
        }).start(settings.host(), settings.port());
    }

    /**
     * 401 without a valid key (when keys are configured), 429 beyond the client's rate. Attempts
     * with a wrong key count against the caller's address, so keys cannot be guessed at full speed.
     */
    private static void admit(Context ctx, ApiKeys keys, ClientRateLimiter rateLimiter) {
        String client = keys.enabled() ? keys.clientOf(presentedKey(ctx)).orElse(null) : ctx.ip();
        if (rateLimiter != null) {
            rateLimiter.acquire(client == null ? ctx.ip() : client);
        }
        if (client == null) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "Unauthorized",
                    "a valid API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
        }
    }

    private static String presentedKey(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        return ctx.header("X-API-Key");
    }

    private static void rejectLargeBody(String contentLength, long maxBodyBytes) {
        if (contentLength == null) {
            return;
        }
        try {
            if (Long.parseLong(contentLength.strip()) > maxBodyBytes) {
                throw new ApiException(413, "PayloadTooLarge", "body is larger than " + maxBodyBytes
                        + " bytes (GATEWAY_MAX_BODY_BYTES)");
            }
        } catch (NumberFormatException e) {
            throw ApiException.validation("Content-Length is not a number");
        }
    }

    /** Javalin's own errors (405, a chunked body over the limit) in words that say what to do. */
    private static String messageOf(HttpResponseException e, Context ctx, HttpSettings settings) {
        return switch (e.getStatus()) {
            case 404 -> noSuchEndpoint(ctx);
            case 405 -> ctx.method() + " is not allowed on " + ctx.path() + "; /openapi.json lists what is";
            case 413 -> "body is larger than " + settings.maxBodyBytes() + " bytes (GATEWAY_MAX_BODY_BYTES)";
            default -> e.getMessage();
        };
    }

    private static String noSuchEndpoint(Context ctx) {
        return "no such endpoint: " + ctx.method() + " " + ctx.path() + "; /openapi.json lists the endpoints";
    }

    private static String typeOf(int status) {
        return switch (status) {
            case 400 -> "ValidationError";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 413 -> "PayloadTooLarge";
            default -> "HttpError";
        };
    }
}
