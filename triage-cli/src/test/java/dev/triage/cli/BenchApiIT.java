package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code triage bench api} end to end, with numbers small enough for a test. */
class BenchApiIT {

    @Test
    void jsonReportsEveryRequestAnsweredAndANonNegativeOverhead() {
        CliRun run = CliRun.of("bench", "api", "--requests", "50", "--concurrency", "4", "--latency-ms", "10",
                "--warmup", "8", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode report = Json.tree(reportLine(run.out()).getBytes(StandardCharsets.UTF_8));
        assertThat(report.get("requests").asInt()).isEqualTo(50);
        assertThat(report.get("errors").asInt()).isZero();
        assertThat(report.get("concurrency").asInt()).isEqualTo(4);
        assertThat(report.get("latency_ms").asLong()).isEqualTo(10);
        assertThat(report.get("throughput_per_s").asDouble()).isPositive();
        assertThat(report.get("p50_overhead_ms").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(report.get("p99_overhead_ms").asDouble()).isGreaterThanOrEqualTo(report.get("p50_overhead_ms").asDouble());
        assertThat(report.get("p50_ms").asDouble()).isGreaterThanOrEqualTo(10);
        assertThat(report.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(report.get("p50_ms").asDouble());
        assertThat(report.get("warmup").asInt()).isEqualTo(8);
        assertThat(report.has("cpu_ms_per_request")).isTrue();
        JsonNode byService = report.get("cpu_ms_per_request_by_service");
        for (String service : List.of("gateway", "classifier", "kafka", "mongodb", "load-generator")) {
            assertThat(byService.path(service).asDouble()).as(service + " in " + byService).isPositive();
        }
        assertThat(byService.has("jvm")).isTrue();
        assertThat(report.get("targets_met").isBoolean()).isTrue();
        assertThat(run.err()).doesNotContain("[#");
    }

    @Test
    void textNamesTheTargetsAndTheProgressBarGoesToStandardError() {
        CliRun run = CliRun.of("bench", "api", "--requests", "20", "--concurrency", "2", "--latency-ms", "0",
                "--warmup", "0");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("requests           20", "errors             0", "p99_overhead_ms",
                "target p50 overhead <= 5 ms: ", "target p99 overhead <= 20 ms: ");
        assertThat(run.err()).contains("20/20");
    }

    /** The one line of standard output: the report object, nothing else (logs go to standard error). */
    private static String reportLine(String out) {
        List<String> lines = out.lines().toList();
        assertThat(lines).as(out).hasSize(1);
        return lines.get(0);
    }
}
