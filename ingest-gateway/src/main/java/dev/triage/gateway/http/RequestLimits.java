package dev.triage.gateway.http;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one conversation may hold; anything beyond is a 400 that names the limit.
 *
 * @param maxMessages    {@code GATEWAY_MAX_MESSAGES}, messages per conversation
 * @param maxTextChars   {@code GATEWAY_MAX_TEXT_CHARS}, characters per message text
 * @param allowedSenders {@code GATEWAY_ALLOWED_SENDERS}, accepted {@code sender} values (lower case)
 * @param maxBatch       {@code GATEWAY_MAX_BATCH}, conversations per {@code POST /conversations}
 */
public record RequestLimits(int maxMessages, int maxTextChars, Set<String> allowedSenders, int maxBatch) {

    /** Longest {@code conversation_number}: it becomes a Kafka key, a MongoDB id and a URL path. */
    public static final int MAX_ID_CHARS = 200;

    public RequestLimits {
        Env.requireAtLeast("GATEWAY_MAX_MESSAGES", maxMessages, 1);
        Env.requireAtLeast("GATEWAY_MAX_TEXT_CHARS", maxTextChars, 1);
        Env.requireAtLeast("GATEWAY_MAX_BATCH", maxBatch, 1);
        if (allowedSenders.isEmpty()) {
            throw new ConfigException("GATEWAY_ALLOWED_SENDERS must name at least one sender, such as customer,agent");
        }
        allowedSenders = Set.copyOf(allowedSenders);
    }

    public static RequestLimits fromEnv(Env env) {
        return new RequestLimits(env.integer("GATEWAY_MAX_MESSAGES", 200), env.integer("GATEWAY_MAX_TEXT_CHARS", 20_000),
                Arrays.stream(env.string("GATEWAY_ALLOWED_SENDERS", "customer,agent,bot,system").split(","))
                        .map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
                env.integer("GATEWAY_MAX_BATCH", 100));
    }
}
