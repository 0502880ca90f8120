package dev.triage.sink.write;

import dev.triage.core.kafka.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The sink's meters, recorded around the MongoDB writes of each batch:
 * {@code triage.sink.write} (timer, tag {@code outcome}: {@code ok} or {@code failed}),
 * and once the writes succeeded {@code triage.sink.batch.size} (records in the batch, at most
 * {@code BATCH_SIZE}), {@code triage.sink.results.written} and {@code triage.sink.queries.failed};
 * {@code triage.sink.records.dead.lettered} (tag {@code code}) once Kafka acknowledged the dead letter.
 */
public final class SinkMetrics {

    /** What the writes of one batch did: results written, queries marked failed. */
    public record Written(int results, int queriesFailed) {
    }

    /** The MongoDB writes of one batch; returns when they are acknowledged, throws when they could not be. */
    @FunctionalInterface
    public interface BatchWrites {
        Written run() throws Exception;
    }

    private static final Duration[] LATENCY_BUCKETS = LongStream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000,
            10_000, 30_000).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer writtenOk;
    private final Timer writeFailed;
    private final Counter results;
    private final Counter queriesFailed;
    private final Map<ErrorCode, Counter> deadLettered = new EnumMap<>(ErrorCode.class);

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSize = DistributionSummary.builder("triage.sink.batch.size")
                .description("Records per batch written (results, dead letters, statistics)").register(registry);
        this.writtenOk = writeTimer(registry, "ok");
        this.writeFailed = writeTimer(registry, "failed");
        this.results = Counter.builder("triage.sink.results.written")
                .description("Results written to MongoDB (redeliveries included: the writes are idempotent)")
                .register(registry);
        this.queriesFailed = Counter.builder("triage.sink.queries.failed")
                .description("Queries marked failed because their conversation was dead-lettered").register(registry);
        for (ErrorCode code : List.of(ErrorCode.INVALID_PAYLOAD, ErrorCode.WRITE_REJECTED)) { // the codes it gives, shown at 0
            deadLettered.put(code, deadLetterCounter(registry, code));
        }
    }

    /** Counts a dead letter Kafka acknowledged. */
    public void deadLettered(ErrorCode code) {
        deadLettered.computeIfAbsent(code, c -> deadLetterCounter(registry, c)).increment();
    }

    private static Counter deadLetterCounter(MeterRegistry registry, ErrorCode code) {
        return Counter.builder("triage.sink.records.dead.lettered").tag("code", code.name())
                .description("Records the sink dead-lettered, acknowledged by Kafka").register(registry);
    }

    /**
     * Runs the writes of a batch of {@code records} records and times them; counts what they wrote
     * once they succeeded. A failure is timed as {@code failed} and thrown on.
     */
    public void write(int records, BatchWrites writes) throws Exception {
        Timer.Sample sample = Timer.start(registry);
        Written written;
        try {
            written = writes.run();
        } catch (Exception e) {
            sample.stop(writeFailed);
            throw e;
        }
        sample.stop(writtenOk);
        batchSize.record(records);
        results.increment(written.results());
        queriesFailed.increment(written.queriesFailed());
    }

    private static Timer writeTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("triage.sink.write").tag("outcome", outcome)
                .description("MongoDB writes of one batch, until acknowledged").serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }
}
