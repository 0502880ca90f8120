package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose files against the Compose Specification's own JSON schema (vendored under
 * {@code src/test/resources/compose-spec/} with its licence), so that a misspelt key or a value of the
 * wrong shape fails the build on a machine without Docker, where {@code docker compose config} cannot run.
 * The files are checked before interpolation, as written: {@code ${...}} only appears in string fields.
 */
class ComposeSchemaTest {

    private static final Path ROOT = Path.of("..");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Schema schema;

    @BeforeAll
    static void loadSchema() {
        assertThat(ComposeSchemaTest.class.getResource("/compose-spec/compose-spec.json"))
                .as("vendored compose-spec.json on the test class path").isNotNull();
        // loaded by location: the schema's relative $id resolves against it
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of("classpath:compose-spec/compose-spec.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.gpu.yml"})
    void composeFileFollowsTheSpecification(String file) throws IOException {
        List<Error> errors = schema.validate(YAML.readTree(ROOT.resolve(file).toFile()));

        assertThat(errors).as(file).isEmpty();
    }

    @Test
    void aMalformedFileIsRejected() throws IOException {
        JsonNode broken = YAML.readTree("""
                services:
                  gateway:
                    image: triage:local
                    mem_limits: 512m
                    depends_on:
                      mongo:
                        condition: service_healthy
                        requried: false
                    ports: 8000
                """);

        List<String> messages = schema.validate(broken).stream().map(Error::toString).toList();

        assertThat(String.join("\n", messages)).contains("mem_limits", "requried", "ports");
    }
}
