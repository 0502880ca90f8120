package dev.triage.cli.deploy;

import dev.triage.cli.TriageCli;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LlmSimulator;
import dev.triage.localstack.testing.KafkaTestClient;
import dev.triage.localstack.testing.MetricsPage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric the dashboard's panels select is on the {@code /metrics} page of the job the panel
 * names, with the labels it matches on. The three services run as separate processes, as in
 * compose (one process shares one registry: in-process services would serve each other's
 * metrics), against the embedded Kafka and MongoDB and the LLM simulator, after real traffic:
 * classified requests and one record that is dead-lettered.
 */
class DashboardMetricsIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static EmbeddedMongo mongo;
    static LlmSimulator llm;
    static final List<Process> services = new ArrayList<>();
    static final Map<String, Integer> metricsPorts = new HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        mongo = EmbeddedMongo.inMemory(0);
        llm = LlmSimulator.start(0, new Faults().latencyMs(20), List.of("llm-sim"), 1);
        metricsPorts.put("gateway", freePort());
        metricsPorts.put("classifier", freePort());
        metricsPorts.put("sink", freePort());
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "MONGODB_URI", mongo.connectionString(),
                "LLM_PROVIDER", "ollama", "LLM_API_URL", llm.url(), "LLM_MODEL", "llm-sim", "STATS_ENABLED", "false",
                "GATEWAY_PORT", String.valueOf(metricsPorts.get("gateway")), "GATEWAY_INSTANCE_ID", "dashboard-it",
                "CLASSIFIER_METRICS_PORT", String.valueOf(metricsPorts.get("classifier")),
                "SINK_METRICS_PORT", String.valueOf(metricsPorts.get("sink")));
        for (String service : List.of("sink", "classifier", "gateway")) {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), TriageCli.class.getName(), service)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), service + ".log")));
            builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("MONGODB_")
                    || k.startsWith("LLM_") || k.startsWith("TOPIC_") || k.startsWith("GATEWAY_") || k.endsWith("_METRICS_PORT"));
            builder.environment().putAll(env);
            services.add(builder.start());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process service : services) {
            service.destroy();
        }
        for (Process service : services) {
            if (!service.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        llm.close();
        mongo.close();
        kafka.close();
    }

    @Test
    void everyMetricAPanelSelectsIsOnItsJobsPageWithTheLabelsItMatches() throws Exception {
        int gateway = metricsPorts.get("gateway");
        for (Map.Entry<String, Integer> service : metricsPorts.entrySet()) {
            await("/health of " + service.getKey()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() -> MetricsPage.get(service.getValue(), "/health").statusCode() == 200);
        }
        for (int i = 0; i < 3; i++) {
            String text = "I was charged twice for order " + i + ", I want a refund";
            await("POST /classify answered 200").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> classify(gateway, text).statusCode() == 200);
        }
        try (KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            client.send(new ProducerRecord<>("triage.conversations", "not-json".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8)));
        }
        await("the dead letter counted").atMost(Duration.ofSeconds(20)).until(() -> MetricsPage.value(
                MetricsPage.scrape(metricsPorts.get("classifier")), "triage_classifier_records_dead_lettered_total",
                "code=\"INVALID_PAYLOAD\"") >= 1);
        await("the results written").atMost(Duration.ofSeconds(20)).until(() -> MetricsPage.value(
                MetricsPage.scrape(metricsPorts.get("sink")), "triage_sink_results_written_total") >= 3);

        Map<String, String> pages = new HashMap<>();
        for (Map.Entry<String, Integer> service : metricsPorts.entrySet()) {
            pages.put(service.getKey(), MetricsPage.scrape(service.getValue()));
        }
        List<String> missing = new ArrayList<>();
        for (PanelQueries.Panel panel : PanelQueries.read(PanelQueries.DASHBOARD).panels()) {
            assertThat(panel.selectors()).as("selectors of '%s'", panel.title()).isNotEmpty();
            for (PanelQueries.Selector selector : panel.selectors()) {
                assertThat(selector.jobs()).as("%s in '%s' names its job", selector.metric(), panel.title()).isNotEmpty();
                for (String job : selector.jobs()) {
                    if (!hasSample(pages.get(job), selector)) {
                        missing.add("'" + panel.title() + "': " + selector + " on " + job + "'s /metrics");
                    }
                }
            }
        }
        assertThat(missing).as("selected by a panel, not served").isEmpty();
        assertThat(pages.get("gateway")).as("each process serves its own metrics")
                .doesNotContain("triage_classifier_").doesNotContain("triage_sink_");
    }

    /**
     * Whether {@code page} has a sample of the selector's metric carrying every label it matches on,
     * with the very value for an {@code =} matcher of a literal (not a dashboard variable).
     */
    private static boolean hasSample(String page, PanelQueries.Selector selector) {
        return page.lines().filter(line -> line.startsWith(selector.metric() + "{") || line.startsWith(selector.metric() + " "))
                .anyMatch(line -> selector.matchers().entrySet().stream()
                        .filter(m -> !m.getKey().equals("job")) // added by Prometheus when it scrapes
                        .allMatch(m -> m.getValue().op().equals("=") && !m.getValue().value().startsWith("$")
                                ? line.contains(m.getKey() + "=\"" + m.getValue().value() + "\"")
                                : line.contains(m.getKey() + "=\"")));
    }

    private static HttpResponse<String> classify(int port, String text) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/classify"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\": [{\"sender\": \"customer\", \"text\": \""
                        + text + "\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
