package dev.triage.sink.write;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink's meters around batch writes, on a registry whose clock the test moves. */
class SinkMetricsTest {

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final SinkMetrics metrics = new SinkMetrics(registry);

    @Test
    void writtenBatchesAreSizedTimedAndCounted() throws Exception {
        metrics.write(40, () -> {
            clock.add(Duration.ofMillis(30));
            return new SinkMetrics.Written(38, 2);
        });
        metrics.write(10, () -> {
            clock.add(Duration.ofMillis(10));
            return new SinkMetrics.Written(10, 0);
        });

        DistributionSummary batchSize = registry.get("triage.sink.batch.size").summary();
        assertThat(batchSize.count()).isEqualTo(2);
        assertThat(batchSize.totalAmount()).isEqualTo(50.0);
        assertThat(batchSize.max()).isEqualTo(40.0);
        assertThat(write("ok").count()).isEqualTo(2);
        assertThat(write("ok").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
        assertThat(registry.get("triage.sink.results.written").counter().count()).isEqualTo(48.0);
        assertThat(registry.get("triage.sink.queries.failed").counter().count()).isEqualTo(2.0);
        assertThat(write("failed").count()).isZero();
    }

    @Test
    void aFailedWriteIsTimedAsFailedThrownOnAndNotCounted() {
        TimeoutException away = new TimeoutException("MongoDB did not answer");

        assertThatThrownBy(() -> metrics.write(25, () -> {
            clock.add(Duration.ofSeconds(30));
            throw away;
        })).isSameAs(away);

        assertThat(write("failed").count()).isEqualTo(1);
        assertThat(write("failed").totalTime(TimeUnit.SECONDS)).isEqualTo(30.0);
        assertThat(write("ok").count()).isZero();
        assertThat(registry.get("triage.sink.batch.size").summary().count()).isZero();
        assertThat(registry.get("triage.sink.results.written").counter().count()).isZero();
    }

    private Timer write(String outcome) {
        return registry.get("triage.sink.write").tag("outcome", outcome).timer();
    }
}
