package dev.triage.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.lifecycle.Failures;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.ErrorReply;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Provenance;
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
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /classify}: validates the body and sends the conversation through Kafka.
 * Synchronously (default) it answers with the original body plus {@code classification}; a
 * conversation that cannot be classified for its own reason answers 422, one the model never
 * answered validly or the model server is not answering 502 (the latter conversation is kept and
 * classified later), no reply in time 504, Kafka unavailable, too many requests waiting or no
 * reply listener 503. With
 * {@code ?mode=async} it answers 202 as soon as Kafka has the conversation.
 */
public final class ClassifyHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifyHandler.class);

    /**
     * The response body: the original API's shape ({@code conversation_number}, {@code messages},
     * {@code classification}) plus, beside it, which model answered and its {@code provenance} (tier
     * {@code llm} or {@code learned}, confidence per label, {@code cached}), so a caller can tell a
     * model's labels from the learned fallback's.
     */
    record ClassifyResponse(String conversationNumber, List<Message> messages, Classification classification,
                            String model, @JsonInclude(JsonInclude.Include.NON_NULL) Provenance provenance) {
    }

    private final RequestReplyClient client;
    private final RequestLimits limits;
    private final Duration timeout;
    private final Semaphore pending;
    private final Executor responses;
    private final Clock clock;

    /**
     * @param responses where answers are written: never on the thread that completed the reply (the
     *                  one reply listener, a producer's I/O thread, the JDK's timeout thread), which
     *                  a slow client would otherwise stall for every request
     */
    public ClassifyHandler(RequestReplyClient client, RequestLimits limits, Duration timeout, int maxPending,
                           Executor responses, Clock clock) {
        this.client = client;
        this.limits = limits;
        this.timeout = timeout;
        this.pending = new Semaphore(maxPending);
        this.responses = responses;
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
            ctx.future(() -> Accepted.send(ctx, client, List.of(conversation), responses));
            return;
        }
        if (!client.canReceiveReplies()) {
            throw ApiException.unavailable("this instance cannot receive classifications right now (its reply "
                    + "listener stopped); use another instance or ?mode=async", 5);
        }
        if (!pending.tryAcquire()) {
            throw ApiException.unavailable("too many requests are waiting for their classification, retry shortly", 1);
        }
        String requestId = RequestId.of(ctx);
        ctx.future(() -> client.request(conversation, requestId, timeout).handleAsync((reply, error) -> {
            pending.release();
            MDC.put(RequestId.MDC_KEY, requestId);
            try {
                respond(ctx, request, reply, error);
            } finally {
                MDC.remove(RequestId.MDC_KEY);
            }
            return null;
        }, responses));
    }

    static ConversationEnvelope envelope(ClassifyRequest request, Clock clock) {
        return ConversationEnvelope.of(request.conversationNumber(), IdType.STRING, Source.API, request.messages(),
                Map.of(), clock.instant());
    }

    private void respond(Context ctx, ClassifyRequest request, Reply reply, Throwable error) {
        Throwable cause = Failures.cause(error);
        if (cause instanceof TimeoutException) {
            LOG.info("no classification within {} ms for conversation {}", timeout.toMillis(), request.conversationNumber());
            ErrorResponses.render(ctx, 504, "Timeout", "no classification within " + timeout.toMillis()
                    + " ms for conversation " + request.conversationNumber() + "; it is still being processed, see GET "
                    + Accepted.resultUrl(request.conversationNumber()));
        } else if (cause != null) {
            LOG.warn("cannot send conversation {} to Kafka: {}", request.conversationNumber(), cause.toString());
            ErrorResponses.render(ctx, Accepted.sendFailure(cause));
        } else if (reply.isError()) {
            LOG.info("conversation {} not classified: {} {}", request.conversationNumber(), reply.error().code(),
                    reply.error().message());
            String message = reply.error().message();
            if (ErrorReply.MODEL_UNAVAILABLE.equals(reply.error().code())) {
                message += "; conversation " + request.conversationNumber() + " is kept and will be classified when it "
                        + "is back, see GET " + Accepted.resultUrl(request.conversationNumber());
            }
            ErrorResponses.render(ctx, statusOf(reply.error().code()), reply.error().code(), message);
        } else {
            ctx.status(200).contentType("application/json").result(Json.encodeToString(new ClassifyResponse(
                    request.conversationNumber(), request.messages(), reply.result().classification(),
                    reply.result().model(), reply.result().provenance())));
        }
    }

    /**
     * The model never gave a valid answer, kept failing this conversation, or is not answering at
     * all: 502, the upstream's fault.
     * Anything else is about the record (malformed, too large, refused by the model server as too
     * long or unacceptable): 422.
     */
    static int statusOf(String errorCode) {
        return ErrorCode.LLM_BAD_OUTPUT.name().equals(errorCode) || ErrorCode.LLM_FAILED.name().equals(errorCode)
                || ErrorReply.MODEL_UNAVAILABLE.equals(errorCode) ? 502 : 422;
    }
}
