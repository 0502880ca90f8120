package dev.triage.cli.send;

import dev.triage.core.config.ConfigException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * When {@code triage send} asks again: only when the gateway answered 429 (too many requests) or
 * 503 (pipeline unavailable), which say "later", never for other errors (a 400 stays a 400) nor
 * for connection failures. It waits what {@code Retry-After} asks, capped at {@code maxWait} so a
 * server asking for an hour cannot stall the run, or {@code defaultWait} without the header. After
 * {@code maxRetries} retries the last answer stands and is reported as it is.
 */
final class RetryAfterPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RetryAfterPolicy.class);

    /**
     * @param maxRetries  calls after the first one
     * @param defaultWait wait when the answer has no usable {@code Retry-After}
     * @param maxWait     longest wait, whatever {@code Retry-After} says
     */
    record Settings(int maxRetries, Duration defaultWait, Duration maxWait) {

        /**
         * 10 retries, 1 s without Retry-After, at most 60 s: enough for a file sent at a concurrency
         * well above the gateway's rate limit to get through whole.
         */
        static Settings defaults() {
            return new Settings(10, Duration.ofSeconds(1), Duration.ofSeconds(60));
        }

        /** The same with {@code --retries}; a negative number is a mistake worth saying so. */
        Settings withRetries(int retries) {
            if (retries < 0) {
                throw new ConfigException("--retries must be >= 0, was " + retries);
            }
            return new Settings(retries, defaultWait, maxWait);
        }
    }

    private final Retry retry;
    private final ScheduledExecutorService scheduler;

    RetryAfterPolicy(Settings settings, ScheduledExecutorService scheduler) {
        this(settings, scheduler, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random in [0, 1): the share of the wait added as jitter is half of it */
    RetryAfterPolicy(Settings settings, ScheduledExecutorService scheduler, DoubleSupplier random) {
        this.scheduler = scheduler;
        this.retry = Retry.of("send", RetryConfig.<Answer>custom()
                .maxAttempts(settings.maxRetries() + 1)
                .retryOnResult(RetryAfterPolicy::asksToRetry)
                .retryOnException(e -> false)
                .intervalBiFunction(waits(settings, random))
                .build());
        retry.getEventPublisher().onRetry(e -> LOG.debug("retry {} of a conversation in {} ms",
                e.getNumberOfRetryAttempts(), e.getWaitInterval().toMillis()));
    }

    /** Runs {@code call}, again while its answer asks for it. */
    CompletableFuture<Answer> call(Supplier<CompletionStage<Answer>> call) {
        return retry.executeCompletionStage(scheduler, call).toCompletableFuture();
    }

    static boolean asksToRetry(Answer answer) {
        return answer.status() == 429 || answer.status() == 503;
    }

    static IntervalBiFunction<Answer> waits(Settings settings, DoubleSupplier random) {
        return (attempt, outcome) -> {
            Duration asked = outcome.isRight() ? outcome.get().retryAfter() : null;
            long wait = Math.min((asked == null ? settings.defaultWait() : asked).toMillis(), settings.maxWait().toMillis());
            return wait + (long) (wait * 0.5 * random.getAsDouble());
        };
    }
}
