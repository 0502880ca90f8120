package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Decides, from the {@link Faults} of the moment, what happens to a chat request before it is
 * processed. The order is that of a real deployment: an outage or an overloaded server refuses
 * first, then the gateway's quota, then request validation, then the model itself (poison, random
 * faults). A quota token is only spent by a request that gets past the outage checks.
 */
final class AdmissionPolicy {

    private final Dice dice;

    AdmissionPolicy(Dice dice) {
        this.dice = dice;
    }

    /** {@code held} counts the chat requests in hand, this one included. */
    Verdict judge(Faults f, boolean ollama, JsonNode request, int held) {
        int max = f.maxConcurrency;
        if (f.down || (max > 0 && held > max)) {
            return new Verdict.AnswerNow(503, Map.of("error", f.down ? "model server is down" : "too many requests at once"));
        }
        TokenBucket quota = f.quota;
        long wait = quota == null ? 0 : quota.take();
        if (wait > 0) {
            return new Verdict.AnswerNow(429, Map.of("error", "rate limit: " + quota.perMinute() + " requests per minute"),
                    OptionalLong.of(TokenBucket.retryAfterSeconds(wait)));
        }
        if (!ollama && f.rejectJsonSchema && "json_schema".equals(request.path("response_format").path("type").asText())) {
            return new Verdict.AnswerNow(400, Map.of("error", Map.of("message", "response_format json_schema is not supported")));
        }
        Pattern poison = f.poison;
        if (poison != null && poison.matcher(ConversationKey.text(conversation(request))).find()) {
            return new Verdict.AnswerNow(500, Map.of("error", "simulated poison conversation"));
        }
        return chance(f);
    }

    /** The random faults: one roll splits [0, 1) into hang, 500, 429 and processed, in that order. */
    private Verdict chance(Faults f) {
        double roll = dice.roll();
        if (roll < f.hangRate) {
            return new Verdict.Hang();
        }
        if (roll < f.hangRate + f.errorRate) {
            return new Verdict.AnswerNow(500, Map.of("error", "simulated server error"));
        }
        if (roll < f.hangRate + f.errorRate + f.rateLimitRate) {
            return new Verdict.AnswerNow(429, Map.of("error", "simulated rate limit"), OptionalLong.of(f.retryAfterSeconds));
        }
        return new Verdict.Process(dice.roll() < f.badOutputRate);
    }

    /** The first user message: the conversation (later user messages are corrections). */
    static String conversation(JsonNode request) {
        for (JsonNode m : request.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                return m.path("content").asText();
            }
        }
        return "";
    }
}
