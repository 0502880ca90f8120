package dev.triage.cli.send;

import io.github.resilience4j.core.functions.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterPolicyTest {

    /** Waits of 0 ms: the retries run at once, the waits themselves are checked on {@link RetryAfterPolicy#waits}. */
    private static final RetryAfterPolicy.Settings NO_WAIT = new RetryAfterPolicy.Settings(3, Duration.ZERO, Duration.ZERO);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void retries429And503UntilAnotherAnswer() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        Answer last = run(calls, 429, 503, 200);

        assertThat(last.status()).isEqualTo(200);
        assertThat(calls).hasValue(3);
    }

    @Test
    void afterThreeRetriesTheLastAnswerStands() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        Answer last = run(calls, 503, 503, 503, 503, 200);

        assertThat(last.status()).isEqualTo(503);
        assertThat(calls).hasValue(4);
    }

    @Test
    void otherErrorsAreNotRetried() throws Exception {
        for (int status : List.of(400, 401, 404, 413, 422, 500, 504)) {
            AtomicInteger calls = new AtomicInteger();
            assertThat(run(calls, status, 200).status()).isEqualTo(status);
            assertThat(calls).as("status %d", status).hasValue(1);
        }
    }

    @Test
    void transportFailuresAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Answer> result = new RetryAfterPolicy(NO_WAIT, scheduler).call(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new java.net.ConnectException("refused"));
        });

        assertThat(result).failsWithin(5, TimeUnit.SECONDS);
        assertThat(calls).hasValue(1);
    }

    @Test
    void waitsWhatRetryAfterAsksCappedOrTheDefaultWithoutIt() {
        var waits = RetryAfterPolicy.waits(new RetryAfterPolicy.Settings(3, Duration.ofSeconds(1), Duration.ofSeconds(60)), () -> 0.0);

        assertThat(waits.apply(1, Either.right(answer(429, Duration.ofSeconds(5))))).isEqualTo(5_000L);
        assertThat(waits.apply(1, Either.right(answer(503, Duration.ofHours(1))))).isEqualTo(60_000L);
        assertThat(waits.apply(1, Either.right(answer(503, null)))).isEqualTo(1_000L);
        assertThat(waits.apply(2, Either.right(answer(429, Duration.ZERO)))).isZero();
        var jittered = RetryAfterPolicy.waits(new RetryAfterPolicy.Settings(3, Duration.ofSeconds(1), Duration.ofSeconds(60)), () -> 0.99);
        assertThat(jittered.apply(1, Either.right(answer(429, Duration.ofSeconds(2))))).isEqualTo(2_990L);
    }

    private Answer run(AtomicInteger calls, Integer... statuses) throws Exception {
        Queue<Integer> answers = new ArrayDeque<>(List.of(statuses));
        return new RetryAfterPolicy(NO_WAIT, scheduler).call(() -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(answer(answers.remove(), null));
        }).get(5, TimeUnit.SECONDS);
    }

    private static Answer answer(int status, Duration retryAfter) {
        return new Answer(status, "{}", retryAfter, 1);
    }
}
