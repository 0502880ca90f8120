package dev.triage.gateway.http;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GATEWAY_RATE_LIMIT} requests per second for each client (its API key, or its address
 * when authentication is off), answered 429 with {@code Retry-After} beyond it. One Resilience4j
 * rate limiter per client; the table is bounded: when full, clients that used none of their
 * current second are dropped (they lose nothing, a new limiter starts them with a full second), so
 * a flood of new addresses cannot reset the limit of the clients that are busy.
 */
public final class ClientRateLimiter {

    private static final int MAX_CLIENTS = 10_000;

    private final RateLimiterConfig config;
    private final Map<String, RateLimiter> clients = new ConcurrentHashMap<>();

    public ClientRateLimiter(int requestsPerSecond) {
        this.config = RateLimiterConfig.custom().limitForPeriod(requestsPerSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build();
    }

    /** Takes one permit for {@code client}, or throws the 429. */
    public void acquire(String client) {
        if (clients.size() >= MAX_CLIENTS && !clients.containsKey(client)) {
            clients.values().removeIf(idle -> idle.getMetrics().getAvailablePermissions() >= config.getLimitForPeriod());
        }
        RateLimiter limiter = clients.computeIfAbsent(client, c -> RateLimiter.of(c, config));
        if (!limiter.acquirePermission()) {
            throw ApiException.rateLimited("more than " + config.getLimitForPeriod()
                    + " requests per second from this client (GATEWAY_RATE_LIMIT); slow down", 1);
        }
    }
}
