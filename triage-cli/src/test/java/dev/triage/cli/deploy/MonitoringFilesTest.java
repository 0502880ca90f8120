package dev.triage.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring profile's files agree with each other and with docker-compose.yml: Prometheus
 * scrapes each service by its compose name on the port it serves {@code /metrics} on, Grafana
 * loads the dashboard from where compose mounts it, and every panel's query selects a metric of a
 * scraped job. Whether those metrics exist is {@code DashboardMetricsIT}'s question.
 */
class MonitoringFilesTest {

    private static final Path ROOT = Path.of("..");
    private static final Path MONITORING = ROOT.resolve("deploy/monitoring");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void prometheusScrapesEachServiceByItsComposeNameOnItsMetricsPort() throws Exception {
        JsonNode services = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile()).path("services");
        Map<String, JsonNode> jobs = jobs();

        assertThat(jobs).containsOnlyKeys("gateway", "classifier", "sink");
        assertThat(jobs.get("gateway").path("static_configs").get(0).path("targets").get(0).asText())
                .isEqualTo("gateway:" + services.path("gateway").path("environment").path("GATEWAY_PORT").asText());
        assertThat(services.path("gateway").path("ports").get(0).asText()).endsWith(":8000");
        for (Map.Entry<String, String> scaled : Map.of("classifier", "CLASSIFIER_METRICS_PORT", "sink", "SINK_METRICS_PORT").entrySet()) {
            JsonNode service = services.path(scaled.getKey());
            JsonNode dns = jobs.get(scaled.getKey()).path("dns_sd_configs").get(0);
            String port = service.path("environment").path(scaled.getValue()).asText();
            assertThat(dns.path("names").get(0).asText()).as("each replica found by the service name").isEqualTo(scaled.getKey());
            assertThat(dns.path("type").asText()).isEqualTo("A");
            assertThat(dns.path("port").asText()).as("%s's %s", scaled.getKey(), scaled.getValue()).isEqualTo(port).isNotEmpty();
            assertThat(service.path("expose").toString()).contains("\"" + port + "\"");
        }
    }

    @Test
    void prometheusAndGrafanaArePinnedAndOnlyInTheMonitoringProfile() throws Exception {
        JsonNode services = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile()).path("services");
        for (String name : List.of("prometheus", "grafana")) {
            JsonNode service = services.path(name);
            assertThat(service.path("profiles").toString()).isEqualTo("[\"monitoring\"]");
            assertThat(service.path("image").asText()).as(name).matches("[a-z/]+:v?\\d+\\.\\d+\\.\\d+");
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(ROOT.resolve(source)).as("mounted into %s", name).exists();
                }
            }
        }
        assertThat(services.path("prometheus").path("volumes").toString())
                .contains("./deploy/monitoring/prometheus.yml:/etc/prometheus/prometheus.yml");
    }

    @Test
    void grafanaLoadsTheDashboardFromWhereComposeMountsItWithTheProvisionedDataSource() throws Exception {
        JsonNode grafana = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile()).path("services").path("grafana");
        JsonNode provider = YAML.readTree(MONITORING.resolve("grafana/provisioning/dashboards/triage.yml").toFile())
                .path("providers").get(0);
        JsonNode datasource = YAML.readTree(MONITORING.resolve("grafana/provisioning/datasources/prometheus.yml").toFile())
                .path("datasources").get(0);
        JsonNode dashboard = new ObjectMapper().readTree(PanelQueries.DASHBOARD.toFile());

        assertThat(grafana.path("volumes").toString())
                .contains("./deploy/monitoring/grafana/dashboards:" + provider.path("options").path("path").asText())
                .contains("./deploy/monitoring/grafana/provisioning:/etc/grafana/provisioning");
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
        List<String> uids = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            uids.add(p.path("datasource").path("uid").asText());
            p.path("targets").forEach(t -> uids.add(t.path("datasource").path("uid").asText()));
        });
        assertThat(uids).isNotEmpty().containsOnly(datasource.path("uid").asText());
    }

    @Test
    void everyPanelSelectsMetricsOfScrapedJobsOnly() throws Exception {
        PanelQueries queries = PanelQueries.read(PanelQueries.DASHBOARD);

        assertThat(queries.panels()).extracting(PanelQueries.Panel::title).hasSize(7);
        for (PanelQueries.Panel panel : queries.panels()) {
            assertThat(panel.selectors()).as("selectors of '%s'", panel.title()).isNotEmpty();
            for (PanelQueries.Selector selector : panel.selectors()) {
                assertThat(selector.jobs()).as("%s in '%s' names its job", selector.metric(), panel.title())
                        .isNotEmpty().allMatch(jobs()::containsKey);
            }
        }
    }

    @Test
    void selectorsAreFoundInsideFunctionsAndAggregationsButNotTakenFromThem() {
        List<PanelQueries.Selector> found = PanelQueries.selectors("histogram_quantile(0.95, sum by (le, status) "
                + "(rate(a_seconds_bucket{job=\"gateway\", route=\"/classify\"}[$__rate_interval]))) / sum(b_total{job=~\"x|y\"}) * 60");

        assertThat(found).extracting(PanelQueries.Selector::metric).containsExactly("a_seconds_bucket", "b_total");
        assertThat(found.get(0).matchers()).containsEntry("route", new PanelQueries.LabelMatch("=", "/classify"));
        assertThat(found.get(1).jobs()).containsExactly("x", "y");
    }

    private static Map<String, JsonNode> jobs() throws Exception {
        Map<String, JsonNode> jobs = new HashMap<>();
        for (JsonNode job : YAML.readTree(Files.readString(MONITORING.resolve("prometheus.yml"))).path("scrape_configs")) {
            jobs.put(job.path("job_name").asText(), job);
        }
        return jobs;
    }
}
