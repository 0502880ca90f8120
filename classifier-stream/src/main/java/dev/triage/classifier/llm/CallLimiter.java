package dev.triage.classifier.llm;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import dev.triage.core.lifecycle.Failures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Bounds the model calls in flight by a limit that adapts to what the server can take, up to a
 * ceiling ({@code MAX_CONCURRENT}). Calls beyond the limit wait here, in order, instead of in the
 * server's queue.
 * <ul>
 *   <li>Latency: the limit follows TCP Vegas ({@link VegasLimit} of Netflix concurrency-limits),
 *   one step per window of answers ({@link WindowedLimit}). It grows by a fifth while the calls
 *   queued at the server (estimated from how much slower the answers are than the fastest) are at
 *   most a twentieth of the limit, by a little up to a tenth, not at all up to a fifth (the band
 *   Vegas's authors give for high limits), and shrinks by a tenth beyond. The fastest answer is asked for again only rarely
 *   ({@value #PROBE_MULTIPLIER} x the limit answers), so a queue that stands at the server is not
 *   taken for its speed.</li>
 *   <li>Only good answers are sampled. A 429 or 5xx comes back at once, so its time says nothing of
 *   the server's queue, and a server that fails one call in three or hangs one in ten while
 *   answering the rest at full speed is not overloaded: taking each failure as a sign of congestion
 *   would cut the limit to nothing (measured: 11 records/s instead of 400). A server that is
 *   overloaded answers slower first, and that is what lowers the limit. A hung call frees its
 *   place when it times out; the call that met a 429 waits its {@code Retry-After} (the policy's
 *   retry).</li>
 *   <li>Rate limit: when {@value #RATE_LIMITED_AT} of the last {@value #RATE_LIMIT_WINDOW} answers
 *   are 429, the server's budget is spent, not one call unlucky. No call starts until its
 *   {@code Retry-After} has passed (1 s when it gives none, at most {@code maxPause}), and the calls
 *   in flight are then capped at nine tenths of the calls the server let through its rate limit
 *   (answered other than 429) in the last second, times the latency of its answers; the cap grows by one a second, until the next spent budget.</li>
 * </ul>
 * One lock guards the count in flight, the waiting calls, the recent answers and the pause; calls
 * start outside it. Limit changes are logged at DEBUG.
 *
 * <p>Meters, tagged {@code name} (the model): {@code triage.llm.limit} (the current limit),
 * {@code triage.llm.in.flight}, {@code triage.llm.waiting}, {@code triage.llm.rate.limited.share}
 * (share of 429 among the last {@value #SHARE_WINDOW} answers) and {@code triage.llm.requests}
 * (HTTP calls by {@code result}: {@code ok}, {@code rate_limited}, {@code server_error},
 * {@code timeout}, {@code error}).
 */
public final class CallLimiter implements AutoCloseable {

    static final int RATE_LIMIT_WINDOW = 10;
    static final int RATE_LIMITED_AT = 8;
    static final int SHARE_WINDOW = 100;
    static final int PROBE_MULTIPLIER = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(CallLimiter.class);
    private static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);

    private final Limit limit;
    private final Duration maxPause;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final RecentAnswers recent = new RecentAnswers(1024);
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter ok;
    private final Counter rateLimited;
    private final Counter serverError;
    private final Counter timeout;
    private final Counter error;
    private int inFlight;
    private long pausedUntilNanos;
    private long lastGoodRttNanos;
    private long capBase = -1;
    private long capSetAtNanos;

    public CallLimiter(String name, int ceiling, Duration maxPause, ScheduledExecutorService scheduler,
                       LongSupplier nanoTime, MeterRegistry registry) {
        VegasLimit vegas = VegasLimit.newBuilder()
                .initialLimit(Math.min(20, ceiling))
                .maxConcurrency(ceiling)
                .thresholdFunction(current -> Math.max(1, current / 20))
                .alphaFunction(current -> Math.max(3, current / 10))
                .betaFunction(current -> Math.max(6, current / 5))
                .decreaseFunction(current -> current * 0.9)
                .probeMultiplier(PROBE_MULTIPLIER)
                .build();
        vegas.notifyOnChange(value -> LOG.debug("model {}: at most {} calls at once", name, value));
        // one step per window of answers (twice the typical answer time, 100 ms to 1 s): answers that
        // come back together must not move the limit one by one, each seeing the same queue
        this.limit = WindowedLimit.newBuilder().minWindowTime(100, TimeUnit.MILLISECONDS)
                .maxWindowTime(1, TimeUnit.SECONDS).windowSize(10).build(vegas);
        this.maxPause = maxPause;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
        this.registry = registry;
        this.ok = requests(name, "ok");
        this.rateLimited = requests(name, "rate_limited");
        this.serverError = requests(name, "server_error");
        this.timeout = requests(name, "timeout");
        this.error = requests(name, "error");
        gauge("triage.llm.limit", name, "Model calls allowed at once now (adaptive, MAX_CONCURRENT at most)",
                this::limit);
        gauge("triage.llm.in.flight", name, "Model calls in flight", this::inFlight);
        gauge("triage.llm.waiting", name, "Model calls waiting for the limit", this::waitingCount);
        gauge("triage.llm.rate.limited.share", name, "Share of 429 among the last " + SHARE_WINDOW + " answers",
                this::rateLimitedShare);
    }

    /** Runs {@code call} as soon as the limit allows; the result completes as the call does. */
    public <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (this) {
            waiting.addLast(() -> run(call, result));
        }
        startWaiting();
        return result;
    }

    /** The current limit: Vegas's, or the rate-limit cap when that is lower. */
    public synchronized int limit() {
        int vegas = limit.getLimit();
        if (capBase < 0) {
            return vegas;
        }
        long cap = capBase + Math.max(0, nanoTime.getAsLong() - capSetAtNanos) / 1_000_000_000L;
        return cap >= vegas ? vegas : (int) cap;
    }

    /** Removes this limiter's meters. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
    }

    private <T> void run(Supplier<CompletionStage<T>> call, CompletableFuture<T> result) {
        long started = nanoTime.getAsLong();
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((value, failure) -> {
            ended(started, failure == null ? null : Failures.cause(failure));
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        });
    }

    private void ended(long started, Throwable cause) {
        long now = nanoTime.getAsLong();
        synchronized (this) {
            sample(started, now - started, cause);
            inFlight--;
            if (cause instanceof LlmTransientException t && t.rateLimited()
                    && recent.rateLimitedAmongLast(RATE_LIMIT_WINDOW) >= RATE_LIMITED_AT) {
                pause(now, t.retryAfter());
            }
        }
        count(cause);
        startWaiting();
    }

    /** Feeds the limit; the caller holds the lock. */
    private void sample(long started, long rtt, Throwable cause) {
        recent.add(started + rtt, cause instanceof LlmTransientException t && t.rateLimited());
        if (cause == null) {
            lastGoodRttNanos = rtt;
            limit.onSample(started, rtt, inFlight, false);
        }
    }

    private void pause(long now, Duration retryAfter) {
        Duration wait = retryAfter == null ? DEFAULT_PAUSE : retryAfter.compareTo(maxPause) > 0 ? maxPause : retryAfter;
        long until = now + wait.toNanos();
        if (until > pausedUntilNanos) {
            if (now >= pausedUntilNanos) { // a new pause; 429s of calls sent before it only extend it
                long accepted = recent.acceptedWithin(now, TimeUnit.SECONDS.toNanos(1));
                capBase = Math.max(1, Math.round(0.9 * accepted * lastGoodRttNanos / 1e9));
            }
            pausedUntilNanos = until;
            capSetAtNanos = until;
            LOG.debug("model server rate limit reached: no call for {} ms, then at most {} at once", wait.toMillis(),
                    capBase);
            scheduler.schedule(this::startWaiting, wait.toMillis() + 1, TimeUnit.MILLISECONDS);
        }
    }

    private void startWaiting() {
        while (true) {
            Runnable next;
            synchronized (this) {
                if (waiting.isEmpty() || !mayStart()) {
                    return;
                }
                next = waiting.pollFirst();
                inFlight++;
            }
            next.run();
        }
    }

    private boolean mayStart() {
        return inFlight < limit() && nanoTime.getAsLong() >= pausedUntilNanos;
    }

    private void count(Throwable cause) {
        if (cause == null) {
            ok.increment();
        } else if (cause instanceof LlmTransientException t && t.rateLimited()) {
            rateLimited.increment();
        } else if (cause instanceof LlmTransientException t && t.httpStatus() >= 500) {
            serverError.increment();
        } else if (cause instanceof TimeoutException
                || cause instanceof LlmTransientException t && t.getCause() instanceof java.net.http.HttpTimeoutException) {
            timeout.increment();
        } else {
            error.increment();
        }
    }

    private synchronized int inFlight() {
        return inFlight;
    }

    private synchronized int waitingCount() {
        return waiting.size();
    }

    private synchronized double rateLimitedShare() {
        return recent.rateLimitedShare(SHARE_WINDOW);
    }

    private Counter requests(String name, String result) {
        Counter counter = Counter.builder("triage.llm.requests").tag("name", name).tag("result", result)
                .description("HTTP calls to the model server, by result").register(registry);
        meters.add(counter);
        return counter;
    }

    private void gauge(String meter, String name, String description, Supplier<Number> value) {
        meters.add(Gauge.builder(meter, value).tag("name", name).description(description).register(registry));
    }
}
