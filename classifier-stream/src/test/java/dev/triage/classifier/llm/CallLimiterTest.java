package dev.triage.classifier.llm;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The limiter with calls whose answers the test gives, on a clock the test moves. */
class CallLimiterTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<CompletableFuture<String>> started = new ArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void callsBeyondTheLimitWaitAndStartInOrderAsOthersEnd() {
        CallLimiter limiter = limiter(2);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(limiter.call(this::startCall));
        }
        assertThat(started).hasSize(2);
        assertThat(gauge("triage.llm.waiting")).isEqualTo(2.0);

        answer(0, "a");
        assertThat(started).hasSize(3);
        assertThat(results.get(0).join()).isEqualTo("a");
        answer(1, "b");
        answer(2, "c");
        answer(3, "d");
        assertThat(results).extracting(CompletableFuture::join).containsExactly("a", "b", "c", "d");
        assertThat(registry.get("triage.llm.requests").tag("result", "ok").counter().count()).isEqualTo(4.0);
    }

    @Test
    void failedAndHungCallsDoNotLowerTheLimitButSlowAnswersDo() {
        CallLimiter limiter = limiter(64);
        int before = limiter.limit();
        limiter.call(this::startCall);
        answer(0, "fast");
        for (int i = 1; i <= 4; i++) {
            limiter.call(this::startCall);
            fail(i, new TimeoutException());
        }
        assertThat(limiter.limit()).isEqualTo(before);

        for (int i = 5; i <= 9; i++) {
            limiter.call(this::startCall);
            fail(i, new LlmTransientException("503", 503, null, null));
        }
        assertThat(limiter.limit()).isEqualTo(before);
        assertThat(registry.get("triage.llm.requests").tag("result", "timeout").counter().count()).isEqualTo(4.0);
        assertThat(registry.get("triage.llm.requests").tag("result", "server_error").counter().count()).isEqualTo(5.0);

        for (int round = 0; round < 5; round++) {
            round(limiter, 100);
        }
        int fast = limiter.limit();
        assertThat(fast).isGreaterThan(before); // answers as fast as ever at the limit: it grows
        for (int round = 0; round < 10; round++) { // answers four times slower than the fastest: a queue
            round(limiter, 400);
        }
        assertThat(limiter.limit()).isLessThan(fast);
        assertThat(gauge("triage.llm.limit")).isEqualTo(limiter.limit());
    }

    @Test
    void aSpentRateLimitHoldsEveryCallUntilRetryAfterButA429AmongSuccessesDoesNot() {
        CallLimiter limiter = limiter(64);
        for (int i = 0; i < 10; i++) { // one 429 in ten: a server that answers others; nothing held
            limiter.call(this::startCall);
            if (i == 5) {
                fail(i, new LlmTransientException("429", 429, Duration.ofSeconds(30), null));
            } else {
                answer(i, "ok");
            }
        }
        limiter.call(this::startCall);
        assertThat(started).hasSize(11);
        answer(10, "ok");

        for (int i = 0; i < CallLimiter.RATE_LIMITED_AT; i++) { // the budget is spent: every answer a 429
            limiter.call(this::startCall);
            fail(11 + i, new LlmTransientException("429", 429, Duration.ofSeconds(30), null));
        }
        CompletableFuture<String> held = limiter.call(this::startCall);
        assertThat(started).hasSize(11 + CallLimiter.RATE_LIMITED_AT);
        assertThat(gauge("triage.llm.rate.limited.share")).isGreaterThan(0.4);

        // the server accepted 10 calls in the last second, answered in 100 ms: about 1 call at once
        assertThat(limiter.limit()).isEqualTo(1);

        now.addAndGet(Duration.ofSeconds(2).toNanos()); // maxPause: Retry-After 30 s is capped at 2 s
        limiter.call(this::startCall); // any event after the pause lets the held call go, within the cap
        assertThat(started).hasSize(11 + CallLimiter.RATE_LIMITED_AT + 1);
        answer(started.size() - 1, "released");
        assertThat(held.join()).isEqualTo("released");
        assertThat(started).hasSize(11 + CallLimiter.RATE_LIMITED_AT + 2);

        now.addAndGet(Duration.ofSeconds(5).toNanos()); // the cap grows by one a second
        assertThat(limiter.limit()).isEqualTo(1 + 5);
    }

    private CallLimiter limiter(int ceiling) {
        return new CallLimiter("m", ceiling, Duration.ofSeconds(2), scheduler, now::get, registry);
    }

    /** As many calls as the limit allows, all answered after {@code rttMillis}. */
    private void round(CallLimiter limiter, long rttMillis) {
        int first = started.size();
        int n = limiter.limit();
        for (int i = 0; i < n; i++) {
            limiter.call(this::startCall);
        }
        now.addAndGet(Duration.ofMillis(rttMillis).toNanos());
        for (int i = first; i < started.size(); i++) {
            started.get(i).complete("answer");
        }
    }

    private CompletableFuture<String> startCall() {
        CompletableFuture<String> call = new CompletableFuture<>();
        started.add(call);
        return call;
    }

    private void answer(int call, String value) {
        now.addAndGet(Duration.ofMillis(100).toNanos());
        started.get(call).complete(value);
    }

    private void fail(int call, Throwable error) {
        now.addAndGet(Duration.ofMillis(5).toNanos());
        started.get(call).completeExceptionally(error);
    }

    private double gauge(String name) {
        return registry.get(name).tag("name", "m").gauge().value();
    }
}
