package dev.triage.gateway;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest {

    private static GatewayConfig config(Map<String, String> values) {
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_INSTANCE_ID", "gw-1"));
        env.putAll(values);
        return GatewayConfig.fromEnv(new Env(env));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        GatewayConfig config = config(Map.of());

        assertThat(config.http().port()).isEqualTo(8000);
        assertThat(config.http().classifyTimeout()).hasSeconds(200);
        assertThat(config.http().maxPending()).isEqualTo(1000);
        assertThat(config.http().limits().maxMessages()).isEqualTo(200);
        assertThat(config.http().limits().maxTextChars()).isEqualTo(20_000);
        assertThat(config.http().limits().allowedSenders()).containsExactlyInAnyOrder("customer", "agent", "bot", "system");
        assertThat(config.http().limits().maxBatch()).isEqualTo(100);
        assertThat(config.http().apiKeys().enabled()).isFalse();
        assertThat(config.http().rateLimit()).isZero();
    }

    @Test
    void secretsNeverShowInToString() {
        GatewayConfig config = config(Map.of("GATEWAY_API_KEYS", "s3cret-key-1,s3cret-key-2",
                "MONGODB_URI", "mongodb://app:hunter2@db:27017"));

        assertThat(config.toString()).doesNotContain("s3cret", "hunter2").contains("2 keys");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> config(Map.of("GATEWAY_MAX_PENDING", "0")))
                .isInstanceOf(ConfigException.class).hasMessage("GATEWAY_MAX_PENDING must be >= 1, was 0");
        assertThatThrownBy(() -> config(Map.of("GATEWAY_RATE_LIMIT", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_RATE_LIMIT");
        assertThatThrownBy(() -> config(Map.of("GATEWAY_ALLOWED_SENDERS", " , ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_ALLOWED_SENDERS");
        assertThatThrownBy(() -> config(Map.of("CLASSIFY_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CLASSIFY_TIMEOUT");
    }
}
