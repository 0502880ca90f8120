package dev.triage.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.triage.classifier.ClassifierConfig;
import dev.triage.core.config.Env;
import dev.triage.core.kafka.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example manifests under deploy/kubernetes say only what the services understand: variables
 * they read, probes on the ports they serve {@code /health} on, a KEDA trigger on the classifier's
 * real consumer group and topic, and a reply topic of its own for every gateway.
 */
class KubernetesManifestsTest {

    private static final Path ROOT = Path.of("..");
    private static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");
    private static final Pattern READ = Pattern.compile("env\\.(?:string|integer|bool|duration)\\(\"([A-Z_]+)\"");

    @Test
    void everyVariableSetIsOneTheServicesRead() throws Exception {
        Set<String> read = variablesRead();
        assertThat(read).as("the scan found the services' settings").contains("KAFKA_BOOTSTRAP_SERVERS", "GATEWAY_INSTANCE_ID");
        Set<String> set = new HashSet<>();
        for (JsonNode doc : documents()) {
            doc.path("data").fieldNames().forEachRemaining(set::add);
            for (JsonNode container : containers(doc)) {
                container.path("env").forEach(e -> set.add(e.path("name").asText()));
            }
        }
        assertThat(set).isNotEmpty();
        assertThat(read).containsAll(set);
    }

    @Test
    void kedaScalesTheClassifierOnTheLagOfItsOwnGroupAndTopic() throws Exception {
        JsonNode scaledObject = kind("ScaledObject").get(0);
        JsonNode trigger = scaledObject.path("spec").path("triggers").get(0);
        ClassifierConfig defaults = ClassifierConfig.fromEnv(new Env(Map.of()));

        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo(defaults.groupId());
        assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo(Topics.defaults().conversations());
        assertThat(trigger.path("metadata").path("bootstrapServers").asText())
                .isEqualTo(kind("ConfigMap").get(0).path("data").path("KAFKA_BOOTSTRAP_SERVERS").asText());
        String target = scaledObject.path("spec").path("scaleTargetRef").path("name").asText();
        assertThat(kind("Deployment")).anyMatch(d -> d.path("metadata").path("name").asText().equals(target)
                && containers(d).get(0).path("args").get(0).asText().equals("classifier"));
        assertThat(scaledObject.path("spec").path("maxReplicaCount").asInt()).as("no more replicas than partitions")
                .isLessThanOrEqualTo(Integer.parseInt(kind("ConfigMap").get(0).path("data").path("TOPIC_PARTITIONS").asText()));
    }

    @Test
    void probesAskForHealthOnThePortEachServiceServesItOn() throws Exception {
        Map<String, String> portVariable = Map.of("gateway", "GATEWAY_PORT", "classifier", "CLASSIFIER_METRICS_PORT",
                "sink", "SINK_METRICS_PORT");
        Set<String> probed = new HashSet<>();
        for (JsonNode workload : workloads()) {
            JsonNode container = containers(workload).get(0);
            String service = container.path("args").get(0).asText();
            String port = env(container).get(portVariable.get(service));
            JsonNode liveness = container.path("livenessProbe").path("httpGet");
            assertThat(liveness.path("path").asText()).as(service).isEqualTo("/health");
            assertThat(liveness.path("port").asText()).as("%s's %s", service, portVariable.get(service)).isEqualTo(port);
            probed.add(service);
        }
        assertThat(probed).containsExactlyInAnyOrder("gateway", "classifier", "sink");
    }

    @Test
    void eachGatewayHasAReplyTopicOfItsOwnThatSurvivesARestart() throws Exception {
        List<JsonNode> gateways = new ArrayList<>();
        for (JsonNode workload : workloads()) {
            if (containers(workload).get(0).path("args").get(0).asText().equals("gateway")) {
                gateways.add(workload);
            }
        }
        assertThat(gateways).hasSize(1);
        assertThat(gateways.get(0).path("kind").asText()).as("stable pod names").isEqualTo("StatefulSet");
        List<JsonNode> instanceId = new ArrayList<>();
        containers(gateways.get(0)).get(0).path("env").forEach(e -> {
            if (e.path("name").asText().equals("GATEWAY_INSTANCE_ID")) {
                instanceId.add(e);
            }
        });
        assertThat(instanceId).as("GATEWAY_INSTANCE_ID set").hasSize(1);
        assertThat(instanceId.get(0).path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(kind("ConfigMap").get(0).path("data").has("GATEWAY_INSTANCE_ID")).as("shared by all gateways").isFalse();
    }

    private static Set<String> variablesRead() throws IOException {
        Set<String> read = new HashSet<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        Matcher m = READ.matcher(Files.readString(file));
                        while (m.find()) {
                            read.add(m.group(1));
                        }
                    }
                }
            }
        }
        return read;
    }

    private static List<JsonNode> documents() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                docs.addAll(yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll());
            }
        }
        assertThat(docs).as("manifests in %s", MANIFESTS).isNotEmpty();
        return docs;
    }

    private static List<JsonNode> kind(String kind) throws IOException {
        List<JsonNode> found = documents().stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(found).as("a %s", kind).isNotEmpty();
        return found;
    }

    private static List<JsonNode> workloads() throws IOException {
        return documents().stream().filter(d -> Set.of("Deployment", "StatefulSet").contains(d.path("kind").asText())).toList();
    }

    private static List<JsonNode> containers(JsonNode doc) {
        List<JsonNode> containers = new ArrayList<>();
        doc.path("spec").path("template").path("spec").path("containers").forEach(containers::add);
        return containers;
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> values = new HashMap<>();
        container.path("env").forEach(e -> values.put(e.path("name").asText(), e.path("value").asText()));
        return values;
    }
}
