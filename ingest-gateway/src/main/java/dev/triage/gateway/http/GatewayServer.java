package dev.triage.gateway.http;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** The HTTP API: routes, body limit and the one error format. */
public final class GatewayServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private GatewayServer() {
    }

    public static Javalin start(String host, int port, long maxBodyBytes, ClassifyHandler classify, StatsHandler stats) {
        return Javalin.create(config -> {
            config.http.maxRequestSize = maxBodyBytes;
            config.http.prefer405over404 = true;
            config.startup.showJavalinBanner = false;
            config.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
            config.routes.before("/classify", ctx -> rejectLargeBody(ctx.header("Content-Length"), maxBodyBytes));
            config.routes.post("/classify", classify);
            config.routes.get("/stats", stats);
            config.routes.exception(ApiException.class, (e, ctx) -> ErrorResponses.render(ctx, e));
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    ErrorResponses.render(ctx, e.getStatus(), typeOf(e.getStatus()), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                ErrorResponses.render(ctx, 500, "InternalError", "internal error");
            });
            config.routes.error(404, "*", ctx -> {
                if (ctx.result() == null) {
                    ErrorResponses.render(ctx, 404, "NotFound", "no such endpoint: " + ctx.method() + " " + ctx.path());
                }
            });
        }).start(host, port);
    }

    private static void rejectLargeBody(String contentLength, long maxBodyBytes) {
        if (contentLength == null) {
            return;
        }
        try {
            if (Long.parseLong(contentLength.strip()) > maxBodyBytes) {
                throw new ApiException(413, "PayloadTooLarge", "body is larger than " + maxBodyBytes + " bytes");
            }
        } catch (NumberFormatException e) {
            throw ApiException.validation("Content-Length is not a number");
        }
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
