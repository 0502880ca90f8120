package dev.triage.localstack.llm;

/**
 * What the {@link LlmSimulator} does wrong, changeable while it runs (tests fix the simulator
 * half way). Rates are probabilities per request, from 0 to 1.
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
}
