package dev.triage.localstack.llm;

import java.util.regex.Pattern;

/**
 * What the {@link LlmSimulator} does wrong, changeable while it runs (tests fix the simulator
 * half way). Rates are probabilities per request, from 0 to 1.
 *
 * <p>Besides the random faults, it can behave like a loaded model server: a few processing slots
 * with a queue ({@link #capacity}), a requests-per-minute quota ({@link #rpm}) and conversations
 * that always crash the model ({@link #poisonText}). A request goes through, in order: outage and
 * {@code maxConcurrency} (503), the quota (429), an unsupported {@code json_schema} (400),
 * poison (500), the random faults (hang, 500, 429), then the slots and the latency.
 */
public final class Faults {

    volatile long latencyMs;
    volatile long jitterMs;
    volatile int maxConcurrency;
    volatile double errorRate;
    volatile double rateLimitRate;
    volatile int retryAfterSeconds = 1;
    volatile double badOutputRate;
    volatile double hangRate;
    volatile boolean down;
    volatile boolean rejectJsonSchema;
    volatile int capacity;
    volatile TokenBucket quota;
    volatile Pattern poison;

    /** Fixed answer delay. */
    public Faults latencyMs(long value) {
        latencyMs = value;
        return this;
    }

    /** Extra random delay, uniform in [0, value]. */
    public Faults jitterMs(long value) {
        jitterMs = value;
        return this;
    }

    /** Requests beyond this many at once get 503 (0 = no limit). The peak is recorded either way. */
    public Faults maxConcurrency(int value) {
        maxConcurrency = value;
        return this;
    }

    /** Share of requests answered 500. */
    public Faults errorRate(double value) {
        errorRate = value;
        return this;
    }

    /** Share of requests answered 429 with {@code Retry-After}. */
    public Faults rateLimitRate(double value) {
        rateLimitRate = value;
        return this;
    }

    /** The {@code Retry-After} of 429 answers, in seconds. */
    public Faults retryAfterSeconds(int value) {
        retryAfterSeconds = value;
        return this;
    }

    /** Share of answers that are malformed JSON or labels outside the taxonomy. */
    public Faults badOutputRate(double value) {
        badOutputRate = value;
        return this;
    }

    /** Share of requests never answered. */
    public Faults hangRate(double value) {
        hangRate = value;
        return this;
    }

    /** Answer 400 to OpenAI requests asking for {@code response_format: json_schema}, as some servers do. */
    public Faults rejectJsonSchema(boolean value) {
        rejectJsonSchema = value;
        return this;
    }

    /** While true, every request is answered 503 at once: an outage. */
    public Faults down(boolean value) {
        down = value;
        return this;
    }

    /**
     * At most this many requests processed at once (0 = no limit); the others wait in arrival
     * order, and their latency starts when they get a slot. Hung and at-once error answers take no slot.
     */
    public Faults capacity(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + value);
        }
        capacity = value;
        return this;
    }

    /**
     * At most this many requests a minute (0 = no limit), as a token bucket holding one second's
     * worth and full now: a request without a token is answered 429 with the {@code Retry-After}
     * that a token takes. Setting it again starts a full bucket.
     */
    public Faults rpm(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("rpm must be >= 0, was " + value);
        }
        quota = value == 0 ? null : new TokenBucket(value, System::nanoTime);
        return this;
    }

    /** Conversations (first user message) in which this regex is found are always answered 500; null = none. */
    public Faults poisonText(String regex) {
        poison = regex == null ? null : Pattern.compile(regex);
        return this;
    }
}
