package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml as a user meets it: every service wired to its peers, settings the services
 * actually read, data on volumes, LLM settings left to .env, Ollama optional, one image, health checks
 * that ask each service, memory limits, and Kafka and MongoDB reachable from the host.
 * Nothing here runs Docker; {@link ComposeSchemaTest} checks the file's shape.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");
    private static final List<String> TRIAGE_SERVICES = List.of("gateway", "classifier", "sink");
    /** Where each service's settings are read: triage-core, its own module, and the command line's log settings. */
    private static final Map<String, List<Path>> SOURCES = Map.of(
            "gateway", List.of(ROOT.resolve("ingest-gateway/src/main/java")),
            "classifier", List.of(ROOT.resolve("classifier-stream/src/main/java")),
            "sink", List.of(ROOT.resolve("mongo-sink/src/main/java")));
    private static final List<Path> SHARED_SOURCES = List.of(ROOT.resolve("triage-core/src/main/java"),
            ROOT.resolve("triage-cli/src/main/java/dev/triage/cli/TriageCli.java"));
    /** {@code env.string("NAME", ...)}, {@code Env.load().integer("NAME", ...)}, ...: how a setting is read. */
    private static final Pattern READ = Pattern.compile("\\.(?:string|integer|bool|duration)\\(\\s*\"([A-Z][A-Z0-9_]*)\"");

    private static JsonNode services;

    @BeforeAll
    static void parse() throws IOException {
        services = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile()).path("services");
    }

    @Test
    void everyServiceIsWiredToItsPeers() {
        assertThat(services.fieldNames()).toIterable().contains("kafka", "mongo", "ollama", "topic-init", "gateway", "classifier", "sink");
        for (String service : TRIAGE_SERVICES) {
            JsonNode s = services.path(service);
            assertThat(s.path("command").get(0).asText()).isEqualTo(service);
            assertThat(s.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            assertThat(s.path("depends_on").path("topic-init").path("condition").asText())
                    .isEqualTo("service_completed_successfully");
            assertThat(s.path("env_file").get(0).path("required").asBoolean(true)).isFalse();
        }
        for (String service : List.of("gateway", "sink")) {
            assertThat(services.path(service).path("environment").path("MONGODB_URI").asText()).contains("replicaSet=rs0");
            assertThat(services.path(service).path("depends_on").path("mongo").path("condition").asText()).isEqualTo("service_healthy");
        }
        assertThat(services.path("classifier").has("ports")).as("scalable: no fixed host port").isFalse();
        assertThat(services.path("mongo").path("command").toString()).contains("--replSet");
    }

    @Test
    void everyServiceSettingIsOneTheServiceReads() {
        for (String service : TRIAGE_SERVICES) {
            Set<String> read = readSettings(service);
            assertThat(read).as("settings found in the sources").contains("KAFKA_BOOTSTRAP_SERVERS", "LOG_LEVEL");

            assertThat(services.path(service).path("environment").fieldNames()).toIterable()
                    .as("%s's environment", service).isSubsetOf(read);
        }
        assertThat(readSettings("classifier")).contains("LLM_PROVIDER", "CLASSIFIER_METRICS_PORT")
                .doesNotContain("GATEWAY_PORT", "SINK_METRICS_PORT");
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
        for (String service : TRIAGE_SERVICES) {
            services.path(service).path("environment").fieldNames().forEachRemaining(named::add);
        }

        assertThat(named).contains("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI", "LLM_PROVIDER", "LLM_MODEL", "KAFKA_HOST_PORT");
        assertThat(documented).containsAll(named);
    }

    @Test
    void dataLivesOnVolumes() {
        JsonNode kafka = services.path("kafka");
        String logDirs = kafka.path("environment").path("KAFKA_LOG_DIRS").asText();
        assertThat(logDirs).as("KAFKA_LOG_DIRS (the image's default is under /tmp)").isNotEmpty();
        for (String dir : logDirs.split(",")) {
            assertThat(volumeTargets(kafka)).as("a volume holding " + dir).anyMatch(target -> isUnder(dir, target));
        }
        assertThat(volumeTargets(services.path("mongo"))).contains("/data/db");
        assertThat(volumeTargets(services.path("ollama"))).contains("/root/.ollama");
    }

    @Test
    void llmSettingsAreLeftToDotEnv() {
        Pattern ownDefault = Pattern.compile("\\$\\{(LLM_[A-Z_]+):-[^}]*}");
        services.fields().forEachRemaining(service -> service.getValue().path("environment").fields().forEachRemaining(variable -> {
            if (variable.getKey().startsWith("LLM_")) {
                Matcher m = ownDefault.matcher(variable.getValue().asText());
                assertThat(m.matches() && m.group(1).equals(variable.getKey()))
                        .as("%s.%s must be ${%s:-default} so that .env wins, was %s", service.getKey(), variable.getKey(),
                                variable.getKey(), variable.getValue().asText())
                        .isTrue();
            }
        }));
        assertThat(services.path("classifier").path("environment").path("LLM_API_URL").asText()).contains("http://ollama:11434");
        for (String service : List.of("gateway", "sink")) {
            assertThat(services.path(service).path("environment").fieldNames()).toIterable()
                    .as("%s reads no LLM setting", service).noneMatch(name -> name.startsWith("LLM_"));
        }
    }

    @Test
    void ollamaIsOptional() {
        for (String service : List.of("ollama", "ollama-pull")) {
            assertThat(services.path(service).path("profiles").toString()).as(service).contains("\"ollama\"");
            assertThat(services.path(service).path("image").asText()).as(service + " pinned")
                    .matches("ollama/ollama:\\d+\\.\\d+\\.\\d+");
        }
        JsonNode pullDependency = services.path("classifier").path("depends_on").path("ollama-pull");
        assertThat(pullDependency.path("required").asBoolean(true)).as("classifier needs the pull only with the profile").isFalse();
        assertThat(pullDependency.path("condition").asText()).isEqualTo("service_completed_successfully");
        assertThat(services.path("ollama-pull").path("entrypoint").toString())
                .as("pulls only a missing model").contains("ollama show").contains("|| ollama pull");
        services.fields().forEachRemaining(service -> {
            for (String optional : List.of("ollama", "ollama-pull")) {
                JsonNode dependency = service.getValue().path("depends_on").path(optional);
                if (!dependency.isMissingNode() && !service.getKey().startsWith("ollama")) {
                    assertThat(dependency.path("required").asBoolean(true)).as("%s needs %s only with the profile",
                            service.getKey(), optional).isFalse();
                }
            }
        });
    }

    @Test
    void oneImageIsBuiltOnce() {
        List<String> building = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            if (service.getValue().has("build")) {
                building.add(service.getKey());
            }
        });
        assertThat(building).containsExactly("gateway");
        String image = services.path("gateway").path("image").asText();
        assertThat(image).startsWith("triage:");
        for (String service : List.of("classifier", "sink")) {
            assertThat(services.path(service).path("image").asText()).isEqualTo(image);
            assertThat(services.path(service).path("pull_policy").asText()).as("never pulled: built locally").isEqualTo("never");
        }
    }

    @Test
    void healthChecksAskEachServiceItsOwnHealth() {
        Map<String, String> ports = Map.of("gateway", "8000",
                "classifier", services.path("classifier").path("environment").path("CLASSIFIER_METRICS_PORT").asText(),
                "sink", services.path("sink").path("environment").path("SINK_METRICS_PORT").asText());
        for (String service : TRIAGE_SERVICES) {
            String test = services.path(service).path("healthcheck").path("test").toString();
            assertThat(test).as(service).contains("/127.0.0.1/" + ports.get(service) + " ", "GET /health", "' 200 '");
        }
        assertThat(ports.get("classifier")).isEqualTo("9101");
        assertThat(ports.get("sink")).isEqualTo("9102");
        assertThat(services.path("gateway").path("environment").path("GATEWAY_PORT").asText()).isEqualTo("8000");
    }

    @Test
    void theDockerfileHasNoHealthCheckForOneServiceOnly() throws IOException {
        List<String> instructions = Files.readAllLines(ROOT.resolve("Dockerfile")).stream()
                .filter(line -> !line.startsWith("#")).toList();

        assertThat(instructions).noneMatch(line -> line.startsWith("HEALTHCHECK"));
        assertThat(instructions).anyMatch(line -> line.startsWith("RUN --mount=type=cache,target=/root/.m2"));
        assertThat(instructions).anyMatch(line -> line.startsWith("USER 10001"));
    }

    @Test
    void everyLongRunningContainerHasAMemoryLimit() {
        services.fields().forEachRemaining(service -> {
            boolean oneShot = service.getValue().path("restart").asText().equals("no");
            if (!oneShot) {
                assertThat(service.getValue().path("mem_limit").asText()).as(service.getKey()).isNotEmpty();
            }
        });
        assertThat(services.path("kafka").path("environment").path("KAFKA_HEAP_OPTS").asText())
                .as("the image's 1 GB default heap would not fit").contains("-Xmx512m");
    }

    @Test
    void mongoIsHealthyOnlyWithAWritablePrimary() {
        String test = services.path("mongo").path("healthcheck").path("test").toString();

        assertThat(test).contains("rs.initiate", "isWritablePrimary", "quit(");
    }

    @Test
    void kafkaAndMongoAreReachableFromTheHost() {
        JsonNode kafka = services.path("kafka").path("environment");
        assertThat(kafka.path("KAFKA_ADVERTISED_LISTENERS").asText())
                .contains("PLAINTEXT://kafka:9092", "EXTERNAL://localhost:${KAFKA_HOST_PORT:-9094}");
        assertThat(kafka.path("KAFKA_LISTENERS").asText()).contains("EXTERNAL://:9094");
        assertThat(kafka.path("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").asText()).contains("EXTERNAL:PLAINTEXT");
        assertThat(services.path("kafka").path("ports").toString()).contains("${KAFKA_HOST_PORT:-9094}:9094");
        assertThat(services.path("mongo").path("ports").toString()).contains("${MONGO_HOST_PORT:-27017}:27017");
    }

    private static Set<String> readSettings(String service) {
        Set<String> names = new TreeSet<>();
        for (Path source : Stream.concat(SOURCES.get(service).stream(), SHARED_SOURCES.stream()).toList()) {
            try (Stream<Path> files = Files.walk(source)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                    Matcher m = READ.matcher(read(f));
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> volumeTargets(JsonNode service) {
        List<String> targets = new ArrayList<>();
        service.path("volumes").forEach(v -> targets.add(v.isTextual() ? v.asText().split(":")[1] : v.path("target").asText()));
        return targets;
    }

    private static boolean isUnder(String dir, String target) {
        return Path.of(dir).normalize().startsWith(Path.of(target).normalize());
    }
}
