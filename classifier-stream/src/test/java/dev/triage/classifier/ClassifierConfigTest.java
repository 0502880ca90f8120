package dev.triage.classifier;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassifierConfigTest {

    @Test
    void theMetricsPortDefaultsTo9101AndMinusOneTurnsTheServerOff() {
        assertThat(config(Map.of()).metricsPort()).isEqualTo(9101);
        assertThat(config(Map.of("CLASSIFIER_METRICS_PORT", "0")).metricsPort()).isZero();
        assertThat(config(Map.of("CLASSIFIER_METRICS_PORT", "-1")).metricsPort()).isEqualTo(ClassifierConfig.METRICS_OFF);
    }

    @Test
    void aMetricsPortOutOfRangeIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> config(Map.of("CLASSIFIER_METRICS_PORT", "65536")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("CLASSIFIER_METRICS_PORT must be -1 (off), 0 (a free port) or a port up to 65535, was 65536");
        assertThatThrownBy(() -> config(Map.of("CLASSIFIER_METRICS_PORT", "-2")))
                .hasMessageStartingWith("CLASSIFIER_METRICS_PORT must be");
        assertThatThrownBy(() -> config(Map.of("CLASSIFIER_METRICS_PORT", "off")))
                .hasMessage("CLASSIFIER_METRICS_PORT must be an integer, was 'off'");
    }

    private static ClassifierConfig config(Map<String, String> env) {
        return ClassifierConfig.fromEnv(new Env(env));
    }
}
