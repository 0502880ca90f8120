package dev.triage.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.gateway.reply.RequestReplyClient;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * {@code POST /conversations}: a JSON array of up to {@code GATEWAY_MAX_BATCH} conversations in the
 * {@code /classify} shape, classified asynchronously. Every entry is validated before any is sent,
 * so a 400 (naming the entry) means none was accepted; 202 lists where each result will be.
 */
public final class ConversationsHandler implements Handler {

    private final RequestReplyClient client;
    private final RequestLimits limits;
    private final Executor responses;
    private final Clock clock;

    public ConversationsHandler(RequestReplyClient client, RequestLimits limits, Executor responses, Clock clock) {
        this.client = client;
        this.limits = limits;
        this.responses = responses;
        this.clock = clock;
    }

    @Override
    public void handle(Context ctx) {
        JsonNode root = ClassifyRequest.root(ctx.bodyAsBytes());
        if (!root.isArray()) {
            throw ApiException.validation("body must be a JSON array of conversations, was " + ClassifyRequest.kind(root));
        }
        if (root.isEmpty() || root.size() > limits.maxBatch()) {
            throw ApiException.validation("body must hold 1 to " + limits.maxBatch()
                    + " conversations (GATEWAY_MAX_BATCH), was " + root.size());
        }
        List<ConversationEnvelope> conversations = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            ClassifyRequest request = ClassifyRequest.of(root.get(i), "conversations[" + i + "].", limits);
            if (!ids.add(request.conversationNumber())) {
                throw ApiException.validation("conversations[" + i + "].conversation_number '"
                        + request.conversationNumber() + "' appears twice in this batch");
            }
            conversations.add(ClassifyHandler.envelope(request, clock));
        }
        ctx.future(() -> Accepted.send(ctx, client, conversations, responses));
    }
}
