package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code triage bench pipeline} end to end, with numbers small enough for a test. */
class BenchPipelineIT {

    @Test
    void theMeasuredQueriesAreTheOnesAfterTheWarmUpAndTheirCpuIsSplitByService() {
        CliRun run = CliRun.of("bench", "pipeline", "--records", "300", "--warmup", "200", "--rate", "200", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).as(run.out()).hasSize(1);
        JsonNode report = Json.tree(lines.get(0).getBytes(StandardCharsets.UTF_8));
        assertThat(report.get("records").asInt()).isEqualTo(300);
        assertThat(report.get("warmup").asInt()).isEqualTo(200);
        assertThat(report.get("rate_per_s").asDouble()).isEqualTo(200);
        assertThat(report.get("seconds").asDouble()).as("100 at a time at 200/s: the last 100 are due at 1 s")
                .isGreaterThanOrEqualTo(1.0);
        assertThat(report.get("records_per_s").asDouble()).isPositive();
        assertThat(report.get("p99_ms").asLong()).isGreaterThanOrEqualTo(report.get("p50_ms").asLong());
        assertThat(report.get("mongo_store_bytes_per_query").asLong()).isPositive();
        assertThat(report.get("mongo_store_bytes_per_query_at_rest").asLong()).isPositive();
        assertThat(report.get("data_dir_bytes_per_query_at_rest").asLong())
                .isGreaterThan(report.get("mongo_store_bytes_per_query_at_rest").asLong());
        JsonNode byService = report.get("cpu_ms_per_record_by_service");
        for (String service : List.of("relay", "classifier", "sink", "kafka", "mongodb", "llm-simulator")) {
            assertThat(byService.path(service).asDouble()).as(service + " in " + byService).isPositive();
        }
    }

    @Test
    void aNegativeRateIsRefusedWithItsName() {
        CliRun run = CliRun.of("bench", "pipeline", "--rate", "-1");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("--rate");
    }
}
