package dev.triage.classifier.llm;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import dev.triage.core.taxonomy.Taxonomy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theOldApiGenerateUrlFormIsAccepted() {
        LlmSettings s = LlmSettings.fromEnv(new Env(Map.of("LLM_API_URL", "http://gpu-box:11434/api/generate")));

        assertThat(s.endpoint("/api/chat")).isEqualTo(URI.create("http://gpu-box:11434/api/chat"));
        assertThat(LlmSettings.fromEnv(new Env(Map.of("LLM_API_URL", "https://host/openai/v1/")))
                .endpoint("/v1/chat/completions")).isEqualTo(URI.create("https://host/openai/v1/chat/completions"));
    }

    @Test
    void defaultsAndProviderSpecificUrl() {
        LlmSettings auto = LlmSettings.fromEnv(new Env(Map.of()));
        LlmSettings openai = LlmSettings.fromEnv(new Env(Map.of("LLM_PROVIDER", "OpenAI")));

        assertThat(auto.provider()).isEqualTo(LlmSettings.Provider.AUTO);
        assertThat(auto.apiUrl()).isEqualTo("http://localhost:11434");
        assertThat(openai.provider()).isEqualTo(LlmSettings.Provider.OPENAI);
        assertThat(openai.apiUrl()).isEqualTo("https://api.openai.com");
    }

    @Test
    void badValuesNameTheVariableAndTheKeyIsMasked() {
        assertThatThrownBy(() -> LlmSettings.fromEnv(new Env(Map.of("LLM_PROVIDER", "gpt"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("LLM_PROVIDER");
        assertThatThrownBy(() -> LlmSettings.fromEnv(new Env(Map.of("LLM_API_URL", "localhost"))))
                .hasMessageContaining("LLM_API_URL");
        assertThatThrownBy(() -> LlmSettings.fromEnv(new Env(Map.of("LLM_MAX_ATTEMPTS", "0"))))
                .hasMessage("LLM_MAX_ATTEMPTS must be >= 1, was 0");
        assertThat(LlmSettings.fromEnv(new Env(Map.of("LLM_API_KEY", "sk-secret"))).toString())
                .doesNotContain("sk-secret").contains("apiKey=****");
    }

    @Test
    void aTaxonomyFileInYamlOrJsonReplacesTheDefault() throws Exception {
        Path yaml = dir.resolve("taxonomy.yaml");
        Files.writeString(yaml, """
                version: telco-1
                intents: [{name: outage_report, description: service is down}, {name: other, description: else}]
                topics: [{name: mobile, description: phones}]
                sentiments: [{name: calm, description: calm}, {name: upset, description: upset}]
                """);
        Path json = dir.resolve("taxonomy.json");
        Files.writeString(json, "{\"version\": \"x\", \"intents\": [], \"topics\": [], \"sentiments\": []}");

        Taxonomy taxonomy = TaxonomyFile.read(yaml);

        assertThat(taxonomy.version()).isEqualTo("telco-1");
        assertThat(taxonomy.intents()).extracting(Taxonomy.Label::name).containsExactly("outage_report", "other");
        assertThatThrownBy(() -> TaxonomyFile.read(json)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("intents must not be empty");
        assertThatThrownBy(() -> TaxonomyFile.read(dir.resolve("missing.json"))).hasMessageContaining("TAXONOMY_FILE");
    }
}
