package dev.triage.core.config;

import dev.triage.core.kafka.KafkaSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvTest {

    @TempDir
    Path dir;

    @Test
    void dotEnvFillsGapsButTheEnvironmentWins() throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, """
                # comment
                MONGODB_DB=from_file
                export BATCH_SIZE="50"
                LOG_LEVEL=DEBUG # trailing comment
                MAX_CONCURRENT=8
                """);

        Env env = Env.load(file, Map.of("MAX_CONCURRENT", "32"));

        assertThat(env.string("MONGODB_DB", "x")).isEqualTo("from_file");
        assertThat(env.integer("BATCH_SIZE", 1)).isEqualTo(50);
        assertThat(env.string("LOG_LEVEL", "INFO")).isEqualTo("DEBUG");
        assertThat(env.integer("MAX_CONCURRENT", 1)).isEqualTo(32);
        assertThat(env.with(Map.of("MAX_CONCURRENT", "4")).integer("MAX_CONCURRENT", 1)).isEqualTo(4);
    }

    @Test
    void missingDotEnvIsFine() {
        assertThat(Env.load(dir.resolve("absent"), Map.of()).string("X", "default")).isEqualTo("default");
    }

    @Test
    void typedValuesFailNamingTheVariable() {
        Env env = new Env(Map.of("BATCH_SIZE", "ten", "RELAY_ENABLED", "maybe", "CLASSIFY_TIMEOUT", "soon"));

        assertThatThrownBy(() -> env.integer("BATCH_SIZE", 1)).isInstanceOf(ConfigException.class)
                .hasMessage("BATCH_SIZE must be an integer, was 'ten'");
        assertThatThrownBy(() -> env.bool("RELAY_ENABLED", true)).hasMessageContaining("RELAY_ENABLED");
        assertThatThrownBy(() -> env.duration("CLASSIFY_TIMEOUT", Duration.ZERO)).hasMessageContaining("CLASSIFY_TIMEOUT");
    }

    @Test
    void durationsAcceptUnitsAndBareSeconds() {
        assertThat(Env.parseDuration("T", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Env.parseDuration("T", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Env.parseDuration("T", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Env.parseDuration("T", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Env.parseDuration("T", "45")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void settingsValidateThemselves() {
        assertThatThrownBy(() -> KafkaSettings.fromEnv(new Env(Map.of("TOPIC_PARTITIONS", "0"))))
                .isInstanceOf(ConfigException.class).hasMessage("TOPIC_PARTITIONS must be >= 1, was 0");
        assertThatThrownBy(() -> MongoSettings.fromEnv(new Env(Map.of("MONGODB_URI", "localhost:27017"))))
                .hasMessageContaining("MONGODB_URI must start with mongodb://");
    }

    @Test
    void mongoPasswordIsMaskedInToString() {
        MongoSettings mongo = MongoSettings.fromEnv(new Env(Map.of("MONGODB_URI", "mongodb://app:s3cret@db:27017/x")));

        assertThat(mongo.toString()).contains("mongodb://app:****@db:27017/x").doesNotContain("s3cret");
        assertThat(mongo.uri()).contains("s3cret");
    }

    @Test
    void mongoDefaultsAreTheOriginalSystems() {
        MongoSettings mongo = MongoSettings.fromEnv(new Env(Map.of()));

        assertThat(mongo.uri()).isEqualTo("mongodb://localhost:27017");
        assertThat(mongo.database()).isEqualTo("customer_support");
        assertThat(mongo.queriesCollection()).isEqualTo("queries");
        assertThat(mongo.resultsCollection()).isEqualTo("results");
    }
}
