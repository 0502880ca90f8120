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
 * The resilience policy around every model call, built once from configuration:
 * Retry(CircuitBreaker(TimeLimiter(call))).
 * <ul>
 *   <li>Retry: {@link LlmTransientException} and timeouts only, exponential backoff with full
 *   jitter ({@code random(0, min(maxDelay, baseDelay * 2^n))}); a server's {@code Retry-After} is
 *   honoured but capped at {@code maxDelay}, so a server asking for an hour cannot stall a record.</li>
 *   <li>CircuitBreaker: opens when half of the last 20 calls (10 at least) failed for transient or
 *   unavailable reasons; a conversation the server rejected does not count.</li>
 *   <li>TimeLimiter: no single call takes longer than {@code callTimeout}.</li>
 * </ul>
 * State changes of the breaker are logged, one line each. The three are published to the meter
 * registry with resilience4j's own binders ({@code resilience4j_retry_calls},
 * {@code resilience4j_circuitbreaker_state}, {@code resilience4j_timelimiter_calls}..., tagged
 * {@code name} = the model) until {@link #close()}.
 */
public final class LlmPolicy implements AutoCloseable {

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
    private final ScheduledExecutorService scheduler;
    private final Runnable unpublish;

    public LlmPolicy(String name, Settings settings, ScheduledExecutorService scheduler, DoubleSupplier random,
                     MeterRegistry registry) {
        this.scheduler = scheduler;
        this.retry = Retry.of(name, RetryConfig.<Object>custom()
                .maxAttempts(settings.retryAttempts())
                .retryOnException(e -> isTransient(Failures.cause(e)))
                .intervalBiFunction(backoff(settings, random))
                .build());
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(settings.breakerWait())
                .permittedNumberOfCallsInHalfOpenState(2)
                .recordException(e -> {
                    Throwable cause = Failures.cause(e);
                    return isTransient(cause) || cause instanceof LlmUnavailableException;
                })
                .build());
        this.timeLimiter = TimeLimiter.of(name, TimeLimiterConfig.custom()
                .timeoutDuration(settings.callTimeout()).cancelRunningFuture(true).build());
        breaker.getEventPublisher().onStateTransition(e ->
                LOG.warn("model server circuit breaker {}: {}", name, e.getStateTransition()));
        this.unpublish = publish(registry);
    }

    /** Runs {@code call} under the policy. */
    public <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
        Supplier<CompletionStage<T>> limited = () -> timeLimiter.executeCompletionStage(scheduler, call);
        Supplier<CompletionStage<T>> guarded = () -> breaker.executeCompletionStage(limited);
        return retry.executeCompletionStage(scheduler, guarded).toCompletableFuture();
    }

    /** Removes this policy's meters from the registry. */
    @Override
    public void close() {
        unpublish.run();
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
