package dev.triage.gateway.http;

import dev.triage.core.json.Json;
import dev.triage.core.lifecycle.Failures;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.gateway.reply.RequestReplyClient;
import io.javalin.http.Context;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The asynchronous answer: 202 once Kafka has every conversation, with where each result will be
 * ({@code GET /classifications/{id}}); 503 when Kafka did not take them (none is half-accepted
 * silently: the client retries the whole request, and a conversation sent twice is classified
 * twice into the same result).
 */
final class Accepted {

    private Accepted() {
    }

    static CompletableFuture<?> send(Context ctx, RequestReplyClient client, List<ConversationEnvelope> conversations,
                                     Executor responses) {
        String requestId = RequestId.of(ctx);
        CompletableFuture<?>[] sends = conversations.stream().map(c -> client.send(c, requestId)).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(sends).handleAsync((done, error) -> {
            if (error != null) {
                try (MDC.MDCCloseable request = MDC.putCloseable(RequestId.MDC_KEY, requestId)) {
                    String what = conversations.size() == 1 ? "conversation " + conversations.get(0).id()
                            : conversations.size() + " conversations";
                    LoggerFactory.getLogger(Accepted.class).warn("cannot send {} to Kafka: {}", what,
                            Failures.cause(error).toString());
                }
                ErrorResponses.render(ctx, sendFailure(error));
                return null;
            }
            List<Map<String, String>> accepted = conversations.stream().map(c -> Map.of("conversation_number", c.id(),
                    "status", "accepted", "result_url", resultUrl(c.id()))).toList();
            if (accepted.size() == 1 && ctx.path().equals("/classify")) {
                ctx.header("Location", accepted.get(0).get("result_url"));
                ctx.status(202).contentType("application/json").result(Json.encodeToString(accepted.get(0)));
            } else {
                ctx.status(202).contentType("application/json").result(Json.encodeToString(Map.of("accepted", accepted)));
            }
            return null;
        }, responses);
    }

    /**
     * Why Kafka did not take a conversation, as the client should see it: too large for a Kafka
     * record is the request's fault (413, retrying cannot help); anything else is 503.
     */
    static ApiException sendFailure(Throwable error) {
        if (Failures.cause(error) instanceof RecordTooLargeException) {
            return new ApiException(413, "PayloadTooLarge", "the conversation is larger than a Kafka record may be "
                    + "(the broker's message.max.bytes); send it shorter");
        }
        return ApiException.unavailable("the pipeline is not reachable right now, retry later", 5);
    }

    static String resultUrl(String conversationNumber) {
        return "/classifications/" + URLEncoder.encode(conversationNumber, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
