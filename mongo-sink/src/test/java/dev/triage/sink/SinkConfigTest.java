package dev.triage.sink;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkConfigTest {

    @Test
    void theMetricsPortDefaultsTo9102AndMinusOneTurnsTheServerOff() {
        assertThat(config(Map.of()).metricsPort()).isEqualTo(9102);
        assertThat(config(Map.of("SINK_METRICS_PORT", "0")).metricsPort()).isZero();
        assertThat(config(Map.of("SINK_METRICS_PORT", "-1")).metricsPort()).isEqualTo(SinkConfig.METRICS_OFF);
    }

    @Test
    void aMetricsPortOutOfRangeIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> config(Map.of("SINK_METRICS_PORT", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("SINK_METRICS_PORT must be -1 (off), 0 (a free port) or a port up to 65535, was 70000");
        assertThatThrownBy(() -> config(Map.of("SINK_METRICS_PORT", "-5")))
                .hasMessageStartingWith("SINK_METRICS_PORT must be");
    }

    private static SinkConfig config(Map<String, String> env) {
        return SinkConfig.fromEnv(new Env(env));
    }
}
