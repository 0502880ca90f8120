package dev.triage.gateway.http;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;

import java.time.Duration;

/**
 * How the HTTP API listens and what it admits.
 *
 * @param host            {@code GATEWAY_HOST}, interface the HTTP server binds
 * @param port            {@code GATEWAY_PORT}, HTTP port (0 = a free port)
 * @param classifyTimeout {@code CLASSIFY_TIMEOUT}, how long a synchronous request waits for its classification
 * @param maxPending      {@code GATEWAY_MAX_PENDING}, synchronous requests waiting at once; more get 503
 * @param maxBodyBytes    {@code GATEWAY_MAX_BODY_BYTES}, largest request body accepted
 * @param limits          per-conversation limits
 * @param apiKeys         {@code GATEWAY_API_KEYS}; empty = no authentication
 * @param rateLimit       {@code GATEWAY_RATE_LIMIT}, requests per second per client; 0 = unlimited
 */
public record HttpSettings(String host, int port, Duration classifyTimeout, int maxPending, long maxBodyBytes,
                           RequestLimits limits, ApiKeys apiKeys, int rateLimit) {

    public HttpSettings {
        Env.requireText("GATEWAY_HOST", host);
        if (port < 0 || port > 65535) {
            throw new ConfigException("GATEWAY_PORT must be between 0 and 65535, was " + port);
        }
        Env.requirePositive("CLASSIFY_TIMEOUT", classifyTimeout);
        Env.requireAtLeast("GATEWAY_MAX_PENDING", maxPending, 1);
        Env.requireAtLeast("GATEWAY_MAX_BODY_BYTES", maxBodyBytes, 1024);
        Env.requireAtLeast("GATEWAY_RATE_LIMIT", rateLimit, 0);
    }

    public static HttpSettings fromEnv(Env env) {
        return new HttpSettings(env.string("GATEWAY_HOST", "0.0.0.0"), env.integer("GATEWAY_PORT", 8000),
                env.duration("CLASSIFY_TIMEOUT", Duration.ofSeconds(200)), env.integer("GATEWAY_MAX_PENDING", 1000),
                env.integer("GATEWAY_MAX_BODY_BYTES", 1024 * 1024), RequestLimits.fromEnv(env),
                ApiKeys.parse(env.string("GATEWAY_API_KEYS", "")), env.integer("GATEWAY_RATE_LIMIT", 0));
    }
}
