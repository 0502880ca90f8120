package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml parses, wires every service, and names only variables that .env.example documents. */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void everyServiceIsWiredToItsPeers() throws Exception {
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile()).path("services");

        assertThat(services.fieldNames()).toIterable().contains("kafka", "mongo", "ollama", "topic-init", "gateway", "classifier", "sink");
        for (String service : List.of("gateway", "classifier", "sink")) {
            JsonNode s = services.path(service);
            assertThat(s.path("command").get(0).asText()).isEqualTo(service);
            assertThat(s.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            assertThat(s.path("environment").path("MONGODB_URI").asText()).contains("replicaSet=rs0");
            assertThat(s.path("environment").path("LLM_API_URL").asText()).isEqualTo("http://ollama:11434");
            assertThat(s.path("depends_on").path("topic-init").path("condition").asText())
                    .isEqualTo("service_completed_successfully");
            assertThat(s.path("env_file").get(0).path("required").asBoolean(true)).isFalse();
        }
        assertThat(services.path("classifier").has("ports")).as("scalable: no fixed host port").isFalse();
        assertThat(services.path("mongo").path("command").toString()).contains("--replSet");
        assertThat(services.path("gateway").path("depends_on").path("mongo").path("condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void everyVariableItNamesIsDocumentedInEnvExample() throws Exception {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        Set<String> documented = new HashSet<>();
        for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
            String assignment = line.replaceFirst("^# ", ""); // commented out: documented, left to its default
            if (assignment.matches("^[A-Z_]+=.*")) {
                documented.add(assignment.substring(0, assignment.indexOf('=')));
            }
        }
        Set<String> named = new HashSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+)").matcher(compose);
        while (m.find()) {
            named.add(m.group(1));
        }
        Matcher env = Pattern.compile("^\\s+([A-Z_]+): ", Pattern.MULTILINE).matcher(compose);
        while (env.find()) {
            if (!env.group(1).startsWith("KAFKA_") || env.group(1).equals("KAFKA_BOOTSTRAP_SERVERS")) {
                named.add(env.group(1));
            }
        }
        named.remove("OLLAMA_HOST"); // the ollama client's own variable

        assertThat(named).contains("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI", "LLM_PROVIDER", "LLM_MODEL");
        assertThat(documented).containsAll(named);
    }
}
