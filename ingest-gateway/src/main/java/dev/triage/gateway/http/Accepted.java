package dev.triage.gateway.http;

import dev.triage.core.json.Json;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.gateway.reply.RequestReplyClient;
import io.javalin.http.Context;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous answer: 202 once Kafka has every conversation, with where each result will be
 * ({@code GET /classifications/{id}}); 503 when Kafka did not take them (none is half-accepted
 * silently: the client retries the whole request, and a conversation sent twice is classified
 * twice into the same result).
 */
final class Accepted {

    private Accepted() {
    }

    static CompletableFuture<?> send(Context ctx, RequestReplyClient client, List<ConversationEnvelope> conversations) {
        String requestId = RequestId.of(ctx);
        CompletableFuture<?>[] sends = conversations.stream().map(c -> client.send(c, requestId)).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(sends).handle((done, error) -> {
            if (error != null) {
                LoggerFactory.getLogger(Accepted.class).warn("cannot send {} conversations to Kafka: {}",
                        conversations.size(), error.toString());
                ErrorResponses.render(ctx, ApiException.unavailable("the pipeline is not reachable right now, retry later", 5));
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
        });
    }

    static String resultUrl(String conversationNumber) {
        return "/classifications/" + URLEncoder.encode(conversationNumber, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
