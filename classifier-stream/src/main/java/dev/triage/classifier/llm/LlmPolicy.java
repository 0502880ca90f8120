package dev.triage.classifier.llm;

import dev.triage.core.lifecycle.Failures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetricsPublisher;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The resilience policy around every model call, built once from configuration, by cause:
 * Retry(CallLimiter(CircuitBreaker(TimeLimiter(call)))).
 * <ul>
 *   <li>Retry: {@link LlmTransientException} (429, 5xx, no answer, no content) and timeouts, for
 *   that one call: exponential backoff with full jitter ({@code random(0, min(maxDelay, baseDelay * 2^n))});
 *   a server's {@code Retry-After} is honoured but capped at {@code maxDelay}, so a server asking
 *   for an hour cannot stall a record.</li>
 *   <li>CircuitBreaker: opens only on sustained failure, an outage: {@value #BREAKER_FAILURE_RATE}%
 *   of the calls of the last {@value #BREAKER_WINDOW_SECONDS} s failed (at least
 *   {@value #BREAKER_MIN_CALLS} calls); when half open, {@value #BREAKER_PROBES} calls decide. A 429
 *   is backpressure and counts neither way; a conversation the server rejected is no failure.</li>
 *   <li>CallLimiter: the adaptive number of calls in flight, at most {@code maxConcurrent}; outside
 *   the breaker, so that the time a call waits for its turn is not taken for the server's.</li>
 *   <li>TimeLimiter: no single call takes longer than {@code callTimeout}; a call that never
 *   answers frees its place in the limit then.</li>
 * </ul>
 * State changes of the breaker are logged, one line each. Retry, breaker and time limiter are
 * published to the meter registry with resilience4j's own binders ({@code resilience4j_retry_calls},
 * {@code resilience4j_circuitbreaker_state}, {@code resilience4j_timelimiter_calls}..., tagged
 * {@code name} = the model), the limiter with its own meters, until {@link #close()}.
 */
public final class LlmPolicy implements AutoCloseable {

    static final int BREAKER_FAILURE_RATE = 80;
    static final int BREAKER_WINDOW_SECONDS = 30;
    static final int BREAKER_MIN_CALLS = 20;
    static final int BREAKER_PROBES = 10;
    private static final Logger LOG = LoggerFactory.getLogger(LlmPolicy.class);

    /**
     * @param retryAttempts calls per model request, first one included
     * @param baseDelay     first backoff bound
     * @param maxDelay      largest wait between two calls, Retry-After included
     * @param callTimeout   longest single call
     * @param breakerWait   how long the breaker stays open before letting probes through
     */
    public record Settings(int retryAttempts, Duration baseDelay, Duration maxDelay, Duration callTimeout,
                           Duration breakerWait) {
    }

    private final Retry retry;
    private final CircuitBreaker breaker;
    private final TimeLimiter timeLimiter;
    private final CallLimiter limiter;
    private final ScheduledExecutorService scheduler;
    private final Runnable unpublish;

    /** @param maxConcurrent the most calls in flight, whatever the adaptive limit says */
    public LlmPolicy(String name, Settings settings, int maxConcurrent, ScheduledExecutorService scheduler,
                     DoubleSupplier random, MeterRegistry registry) {
        this.scheduler = scheduler;
        this.retry = Retry.of(name, RetryConfig.<Object>custom()
                .maxAttempts(settings.retryAttempts())
                .retryOnException(e -> isTransient(Failures.cause(e)))
                .intervalBiFunction(backoff(settings, random))
                .build());
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(BREAKER_WINDOW_SECONDS)
                .minimumNumberOfCalls(BREAKER_MIN_CALLS)
                .failureRateThreshold(BREAKER_FAILURE_RATE)
                .waitDurationInOpenState(settings.breakerWait())
                .permittedNumberOfCallsInHalfOpenState(BREAKER_PROBES)
                .slowCallDurationThreshold(settings.callTimeout().plusSeconds(1)) // timeouts are failures already
                .ignoreException(e -> isRateLimited(Failures.cause(e)))
                .recordException(e -> {
                    Throwable cause = Failures.cause(e);
                    return isTransient(cause) || cause instanceof LlmUnavailableException;
                })
                .build());
        this.limiter = new CallLimiter(name, maxConcurrent, settings.maxDelay(), scheduler, System::nanoTime, registry);
        this.timeLimiter = TimeLimiter.of(name, TimeLimiterConfig.custom()
                .timeoutDuration(settings.callTimeout()).cancelRunningFuture(true).build());
        breaker.getEventPublisher().onStateTransition(e ->
                LOG.warn("model server circuit breaker {}: {}", name, e.getStateTransition()));
        this.unpublish = publish(registry);
    }

    /** Runs {@code call} under the policy. */
    public <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
        Supplier<CompletionStage<T>> timed = () -> timeLimiter.executeCompletionStage(scheduler, call);
        Supplier<CompletionStage<T>> guarded = () -> breaker.executeCompletionStage(timed);
        Supplier<CompletionStage<T>> limited = () -> limiter.call(guarded);
        return retry.executeCompletionStage(scheduler, limited).toCompletableFuture();
    }

    /** Removes this policy's meters from the registry. */
    @Override
    public void close() {
        unpublish.run();
        limiter.close();
    }

    private Runnable publish(MeterRegistry registry) {
        TaggedRetryMetricsPublisher retryMetrics = new TaggedRetryMetricsPublisher(registry);
        TaggedCircuitBreakerMetricsPublisher breakerMetrics = new TaggedCircuitBreakerMetricsPublisher(registry);
        TaggedTimeLimiterMetricsPublisher limiterMetrics = new TaggedTimeLimiterMetricsPublisher(registry);
        retryMetrics.publishMetrics(retry);
        breakerMetrics.publishMetrics(breaker);
        limiterMetrics.publishMetrics(timeLimiter);
        return () -> {
            retryMetrics.removeMetrics(retry);
            breakerMetrics.removeMetrics(breaker);
            limiterMetrics.removeMetrics(timeLimiter);
        };
    }

    static boolean isRateLimited(Throwable cause) {
        return cause instanceof LlmTransientException t && t.rateLimited();
    }

    static boolean isTransient(Throwable cause) {
        return cause instanceof LlmTransientException || cause instanceof TimeoutException;
    }

    /** Full-jitter exponential backoff, or the server's Retry-After, both capped at maxDelay. */
    static IntervalBiFunction<Object> backoff(Settings settings, DoubleSupplier random) {
        long cap = settings.maxDelay().toMillis();
        return (attempt, outcome) -> {
            if (outcome.isLeft() && Failures.cause(outcome.getLeft()) instanceof LlmTransientException t
                    && t.retryAfter() != null) {
                return Math.min(t.retryAfter().toMillis(), cap);
            }
            double bound = Math.min(cap, settings.baseDelay().toMillis() * Math.pow(2, attempt - 1));
            return (long) (random.getAsDouble() * bound);
        };
    }
}
