package dev.triage.classifier.learned;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The learned classifier's settings as read from the environment, and the values refused with the variable named. */
class LearnedSettingsTest {

    @Test
    void everyVariableIsRead() {
        LearnedSettings s = LearnedSettings.fromEnv(new Env(Map.of("EXAMPLES_FILE", "/data/bank.csv", "EXAMPLES_MODE", " Replace ",
                "EXAMPLES_TEXT_COLUMN", "utterance", "EXAMPLES_LABEL_COLUMNS", "intent=category, ,sentiment=mood",
                "LLM_FEW_SHOT", "3", "CASCADE_THRESHOLD", "0.8")));

        assertThat(s.examplesFile()).isEqualTo(Path.of("/data/bank.csv"));
        assertThat(s.examplesMode()).isEqualTo(LearnedSettings.ExamplesMode.REPLACE);
        assertThat(s.csvColumns().text()).isEqualTo("utterance");
        assertThat(s.csvColumns().labels()).containsEntry("intent", "category").containsEntry("sentiment", "mood")
                .containsEntry("topic", "topic");
        assertThat(s.fewShot()).isEqualTo(3);
        assertThat(s.cascadeThreshold()).isEqualTo(0.8);
    }

    @Test
    void nothingSetIsTheDefault() {
        assertThat(LearnedSettings.fromEnv(new Env(Map.of()))).isEqualTo(LearnedSettings.DEFAULT);
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertRefused(Map.of("EXAMPLES_MODE", "merge"), "EXAMPLES_MODE must be add or replace");
        assertRefused(Map.of("EXAMPLES_MODE", "replace"), "EXAMPLES_MODE=replace needs an EXAMPLES_FILE");
        assertRefused(Map.of("LLM_FEW_SHOT", "21"), "LLM_FEW_SHOT must be at most 20");
        assertRefused(Map.of("LLM_FEW_SHOT", "-1"), "LLM_FEW_SHOT");
        assertRefused(Map.of("CASCADE_THRESHOLD", "1.5"), "CASCADE_THRESHOLD must be between 0 and 1");
        assertRefused(Map.of("CASCADE_THRESHOLD", "NaN"), "CASCADE_THRESHOLD must be between 0 and 1");
        assertRefused(Map.of("CASCADE_THRESHOLD", "high"), "CASCADE_THRESHOLD must be a number");
        assertRefused(Map.of("EXAMPLES_LABEL_COLUMNS", "category"), "kind=column");
    }

    private static void assertRefused(Map<String, String> env, String message) {
        assertThatThrownBy(() -> LearnedSettings.fromEnv(new Env(env))).as(env.toString())
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }
}
