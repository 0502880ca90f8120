package dev.triage.cli.send;

import dev.triage.core.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendConfigTest {

    private static final Path DATA = Path.of("data");

    @Test
    void theClassifyUrlIsBuiltFromTheBaseUrlAndTheKeyIsMasked() {
        SendConfig config = SendConfig.of("http://localhost:8000/", 8, DATA, "secret-key", "500ms");

        assertThat(config.classifyUri()).isEqualTo(URI.create("http://localhost:8000/classify"));
        assertThat(SendConfig.of("https://triage.example/api", 1, DATA, null, "2m").classifyUri())
                .isEqualTo(URI.create("https://triage.example/api/classify"));
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.toString()).doesNotContain("secret-key").contains("apiKey=****");
        assertThat(SendConfig.of("http://h", 1, DATA, "  ", "60").apiKey()).isNull();
    }

    @Test
    void badOptionsAreConfigErrorsNamingTheOption() {
        assertThatThrownBy(() -> SendConfig.of("localhost:8000", 8, DATA, null, "60s"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--url must be an http:// or https:// URL with a host, like http://localhost:8000, was 'localhost:8000'");
        assertThatThrownBy(() -> SendConfig.of("http://not a url", 8, DATA, null, "60s"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--url");
        assertThatThrownBy(() -> SendConfig.of("http://h", 0, DATA, null, "60s"))
                .isInstanceOf(ConfigException.class).hasMessage("--concurrency must be >= 1, was 0");
        assertThatThrownBy(() -> SendConfig.of("http://h", 8, DATA, null, "soon"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--timeout must be a duration");
        assertThatThrownBy(() -> SendConfig.of("http://h", 8, DATA, null, "0s"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--timeout must be a positive duration");
    }
}
