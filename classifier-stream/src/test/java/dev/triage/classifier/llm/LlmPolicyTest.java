package dev.triage.classifier.llm;

import io.github.resilience4j.core.functions.Either;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmPolicyTest {

    private static final LlmPolicy.Settings SETTINGS = new LlmPolicy.Settings(4, Duration.ofMillis(100),
            Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(10));

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void backoffIsFullJitterUnderAnExponentialCap() {
        var backoff = LlmPolicy.backoff(SETTINGS, () -> 1.0);
        var none = LlmPolicy.backoff(SETTINGS, () -> 0.0);
        Either<Throwable, Object> failure = Either.left(new LlmTransientException("500", 500, null, null));

        assertThat(backoff.apply(1, failure)).isEqualTo(100L);
        assertThat(backoff.apply(3, failure)).isEqualTo(400L);
        assertThat(backoff.apply(10, failure)).isEqualTo(2000L);
        assertThat(none.apply(3, failure)).isZero();
    }

    @Test
    void retryAfterIsHonouredButCapped() {
        var backoff = LlmPolicy.backoff(SETTINGS, () -> 0.5);

        assertThat(backoff.apply(1, Either.left(new LlmTransientException("429", 429, Duration.ofSeconds(1), null))))
                .isEqualTo(1000L);
        assertThat(backoff.apply(1, Either.left(new LlmTransientException("429", 429, Duration.ofHours(1), null))))
                .isEqualTo(2000L);
    }

    @Test
    void transientFailuresAreRetriedUntilTheySucceed() {
        LlmPolicy policy = new LlmPolicy("t1", fast(), 16, scheduler, () -> 0.0, registry);
        AtomicInteger calls = new AtomicInteger();

        String answer = policy.<String>call(() -> calls.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new LlmTransientException("503", 503, null, null))
                : CompletableFuture.completedFuture("ok")).join();

        assertThat(answer).isEqualTo("ok");
        assertThat(calls).hasValue(3);
    }

    @Test
    void rejectedConversationsAndUnavailableServersAreNotRetried() {
        LlmPolicy policy = new LlmPolicy("t2", fast(), 16, scheduler, () -> 0.0, registry);
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> policy.<String>call(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new LlmRejectedException("400", 400, "context too long"));
        }).join()).isInstanceOf(CompletionException.class).hasCauseInstanceOf(LlmRejectedException.class);
        assertThatThrownBy(() -> policy.<String>call(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new LlmUnavailableException("404", 404));
        }).join()).hasCauseInstanceOf(LlmUnavailableException.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void retriesAndTheBreakerArePublishedWithResilience4jsNamesUntilClosed() {
        LlmPolicy policy = new LlmPolicy("m1", fast(), 16, scheduler, () -> 0.0, registry);
        AtomicInteger calls = new AtomicInteger();

        policy.<String>call(() -> calls.incrementAndGet() < 2
                ? CompletableFuture.failedFuture(new LlmTransientException("503", 503, null, null))
                : CompletableFuture.completedFuture("ok")).join();

        assertThat(registry.get("resilience4j.retry.calls").tags("name", "m1", "kind", "successful_with_retry")
                .functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("resilience4j.circuitbreaker.state").tags("name", "m1", "state", "closed")
                .gauge().value()).isEqualTo(1.0);
        policy.close();
        assertThat(registry.find("resilience4j.circuitbreaker.state").tags("name", "m1").meters()).isEmpty();
        assertThat(registry.find("resilience4j.retry.calls").tags("name", "m1").meters()).isEmpty();
    }

    @Test
    void aCallThatHangsIsCutByTheTimeLimiterAndRetried() {
        LlmPolicy policy = new LlmPolicy("t3", new LlmPolicy.Settings(2, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofMillis(50), Duration.ofSeconds(10)), 16, scheduler, () -> 0.0, registry);
        AtomicInteger calls = new AtomicInteger();

        String answer = policy.<String>call(() -> calls.incrementAndGet() == 1
                ? new CompletableFuture<>() : CompletableFuture.completedFuture("second")).join();

        assertThat(answer).isEqualTo("second");
    }

    @Test
    void partialFailureDoesNotOpenTheBreakerButAnOutageDoes() {
        LlmPolicy policy = new LlmPolicy("t4", new LlmPolicy.Settings(1, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofSeconds(1), Duration.ofSeconds(10)), 16, scheduler, () -> 0.0, registry);
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 200; i++) { // 45% of the calls fail: partial failure, the normal state of a busy server
            policy.<String>call(() -> calls.incrementAndGet() % 20 < 9
                    ? CompletableFuture.failedFuture(new LlmTransientException("500", 500, null, null))
                    : CompletableFuture.completedFuture("ok")).exceptionally(e -> null).join();
        }
        assertThat(state("t4")).isEqualTo("closed");

        for (int i = 0; i < 400; i++) { // every call fails: an outage
            policy.<String>call(() -> CompletableFuture.failedFuture(new LlmTransientException("502", 502, null, null)))
                    .exceptionally(e -> null).join();
        }
        assertThat(state("t4")).isEqualTo("open");
    }

    @Test
    void rateLimitsNeverOpenTheBreaker() {
        LlmPolicy policy = new LlmPolicy("t5", new LlmPolicy.Settings(1, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofSeconds(1), Duration.ofSeconds(10)), 16, scheduler, () -> 0.0, registry);
        for (int i = 0; i < 100; i++) { // Retry-After 10 ms: the spent-budget pause of every call (1 s by default) is not the point here
            assertThatThrownBy(() -> policy.<String>call(() -> CompletableFuture.failedFuture(
                    new LlmTransientException("429", 429, Duration.ofMillis(10), null))).join())
                    .hasCauseInstanceOf(LlmTransientException.class);
        }
        assertThat(state("t5")).isEqualTo("closed");
    }

    @Test
    void aHungCallFreesItsPlaceInTheLimitAtTheTimeout() {
        LlmPolicy policy = new LlmPolicy("t6", new LlmPolicy.Settings(1, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofMillis(100), Duration.ofSeconds(10)), 1, scheduler, () -> 0.0, registry);

        CompletableFuture<String> hung = policy.call(CompletableFuture::new);
        CompletableFuture<String> next = policy.call(() -> CompletableFuture.completedFuture("next"));

        assertThatThrownBy(hung::join).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(next.join()).isEqualTo("next");
    }

    private String state(String name) {
        return registry.find("resilience4j.circuitbreaker.state").tags("name", name).gauges().stream()
                .filter(g -> g.value() == 1.0).map(g -> g.getId().getTag("state")).findFirst().orElseThrow();
    }

    private static LlmPolicy.Settings fast() {
        return new LlmPolicy.Settings(4, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }
}
