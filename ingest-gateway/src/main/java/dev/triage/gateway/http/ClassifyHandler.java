package dev.triage.gateway.http;

import dev.triage.core.json.Json;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import dev.triage.gateway.reply.Reply;
import dev.triage.gateway.reply.RequestReplyClient;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /classify}: validates the body and sends the conversation through Kafka.
 * Synchronously (default) it answers with the original body plus {@code classification}; a
 * conversation that cannot be classified for its own reason answers 422, one the model failed on
 * 502, no reply in time 504, Kafka unavailable or too many requests waiting 503. With
 * {@code ?mode=async} it answers 202 as soon as Kafka has the conversation.
 */
public final class ClassifyHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifyHandler.class);

    /** The response body, same shape as the original API's. */
    record ClassifyResponse(String conversationNumber, List<Message> messages, Classification classification) {
    }

    private final RequestReplyClient client;
    private final RequestLimits limits;
    private final Duration timeout;
    private final Semaphore pending;
    private final Clock clock;

    public ClassifyHandler(RequestReplyClient client, RequestLimits limits, Duration timeout, int maxPending, Clock clock) {
        this.client = client;
        this.limits = limits;
        this.timeout = timeout;
        this.pending = new Semaphore(maxPending);
        this.clock = clock;
    }

    @Override
    public void handle(Context ctx) {
        String mode = ctx.queryParam("mode") == null ? "sync" : ctx.queryParam("mode");
        if (!mode.equals("sync") && !mode.equals("async")) {
            throw ApiException.validation("mode must be sync or async, was '" + mode + "'");
        }
        ClassifyRequest request = ClassifyRequest.parse(ctx.bodyAsBytes(), limits);
        ConversationEnvelope conversation = envelope(request, clock);
        if (mode.equals("async")) {
            ctx.future(() -> Accepted.send(ctx, client, List.of(conversation)));
            return;
        }
        if (!pending.tryAcquire()) {
            throw ApiException.unavailable("too many requests are waiting for their classification, retry shortly", 1);
        }
        String requestId = RequestId.of(ctx);
        ctx.future(() -> client.request(conversation, requestId, timeout).handle((reply, error) -> {
            pending.release();
            MDC.put(RequestId.MDC_KEY, requestId);
            try {
                respond(ctx, request, reply, error);
            } finally {
                MDC.remove(RequestId.MDC_KEY);
            }
            return null;
        }));
    }

    static ConversationEnvelope envelope(ClassifyRequest request, Clock clock) {
        return ConversationEnvelope.of(request.conversationNumber(), IdType.STRING, Source.API, request.messages(),
                Map.of(), clock.instant());
    }

    private void respond(Context ctx, ClassifyRequest request, Reply reply, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            LOG.info("no classification within {} ms for conversation {}", timeout.toMillis(), request.conversationNumber());
            ErrorResponses.render(ctx, 504, "Timeout", "no classification within " + timeout.toMillis()
                    + " ms for conversation " + request.conversationNumber() + "; it is still being processed, see GET "
                    + Accepted.resultUrl(request.conversationNumber()));
        } else if (cause != null) {
            LOG.warn("cannot send conversation {} to Kafka: {}", request.conversationNumber(), cause.toString());
            ErrorResponses.render(ctx, ApiException.unavailable("the pipeline is not reachable right now, retry later", 5));
        } else if (reply.isError()) {
            LOG.info("conversation {} not classified: {} {}", request.conversationNumber(), reply.error().code(),
                    reply.error().message());
            ErrorResponses.render(ctx, statusOf(reply.error().code()), reply.error().code(), reply.error().message());
        } else {
            ctx.status(200).contentType("application/json").result(Json.encodeToString(new ClassifyResponse(
                    request.conversationNumber(), request.messages(), reply.result().classification())));
        }
    }

    /** The model failed on it: 502, the upstream's fault. Anything else about the record: 422. */
    static int statusOf(String errorCode) {
        return ErrorCode.LLM_REJECTED.name().equals(errorCode) || ErrorCode.LLM_BAD_OUTPUT.name().equals(errorCode) ? 502 : 422;
    }
}
