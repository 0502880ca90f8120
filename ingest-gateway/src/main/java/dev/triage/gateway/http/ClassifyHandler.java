package dev.triage.gateway.http;

import dev.triage.core.json.Json;
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

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /classify}: validates the body, sends the conversation through Kafka and answers
 * with the original body plus {@code classification}. A record-caused failure answers 422, no
 * reply in time 504, Kafka unavailable 503.
 */
public final class ClassifyHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifyHandler.class);

    /** The response body, same shape as the original API's. */
    record ClassifyResponse(String conversationNumber, List<Message> messages, Classification classification) {
    }

    private final RequestReplyClient client;
    private final Duration timeout;
    private final Clock clock;

    public ClassifyHandler(RequestReplyClient client, Duration timeout, Clock clock) {
        this.client = client;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public void handle(Context ctx) {
        ClassifyRequest request = ClassifyRequest.parse(ctx.bodyAsBytes());
        ConversationEnvelope conversation = ConversationEnvelope.of(request.conversationNumber(), IdType.STRING,
                Source.API, request.messages(), Map.of(), clock.instant());
        ctx.future(() -> client.request(conversation, timeout).handle((reply, error) -> {
            respond(ctx, request, reply, error);
            return null;
        }));
    }

    private void respond(Context ctx, ClassifyRequest request, Reply reply, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            ErrorResponses.render(ctx, 504, "Timeout", "no classification within " + timeout.toMillis()
                    + " ms for conversation " + request.conversationNumber() + "; it is still being processed");
        } else if (cause != null) {
            LOG.warn("cannot send conversation {} to Kafka: {}", request.conversationNumber(), cause.toString());
            ErrorResponses.render(ctx, 503, "Unavailable", "the pipeline is not reachable right now, retry later");
        } else if (reply.isError()) {
            ErrorResponses.render(ctx, 422, reply.error().code(), reply.error().message());
        } else {
            ctx.status(200).contentType("application/json").result(Json.encodeToString(new ClassifyResponse(
                    request.conversationNumber(), request.messages(), reply.result().classification())));
        }
    }
}
