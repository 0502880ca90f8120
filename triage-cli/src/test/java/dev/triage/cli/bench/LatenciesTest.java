package dev.triage.cli.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.within;

class LatenciesTest {

    @Test
    void nearestRankPercentilesOfOneToThousandMillisecondsWithinATenthOfAPercent() {
        Latencies latencies = new Latencies();
        for (long ms = 1000; ms >= 1; ms--) {
            latencies.recordMillis(ms);
        }

        assertThat(latencies.count()).isEqualTo(1000);
        assertThat(latencies.ms(50)).isCloseTo(500, within(0.5));
        assertThat(latencies.ms(99)).isCloseTo(990, within(0.99));
        assertThat(latencies.ms(99.9)).isCloseTo(999, within(0.999));
        assertThat(latencies.maxMs()).isCloseTo(1000, within(1.0));
    }

    @Test
    void nanosecondsAreReportedInMillisecondsToTheMicrosecond() {
        Latencies latencies = new Latencies();
        latencies.recordNanos(1_234_567);
        latencies.recordNanos(999);

        assertThat(latencies.ms(50)).isEqualTo(0.0);
        assertThat(latencies.maxMs()).isEqualTo(1.234, offset(0.0015));
    }

    @Test
    void oneSlowValueInAHundredIsTheMaxAndNotTheP99() {
        Latencies latencies = new Latencies();
        for (int i = 0; i < 99; i++) {
            latencies.recordMillis(10);
        }
        latencies.recordMillis(5000);

        assertThat(latencies.ms(99)).isCloseTo(10, within(0.01));
        assertThat(latencies.ms(99.9)).isCloseTo(5000, within(5.0));
        assertThat(latencies.maxMs()).isCloseTo(5000, within(5.0));
    }

    @Test
    void refusesNegativeValuesAndPercentilesOfNothing() {
        Latencies latencies = new Latencies();

        assertThatThrownBy(() -> latencies.recordMillis(-1)).hasMessage("a latency must be >= 0, was -1 ms");
        assertThat(latencies.isEmpty()).isTrue();
        assertThatThrownBy(() -> latencies.ms(50)).hasMessage("no latency recorded");
    }
}
