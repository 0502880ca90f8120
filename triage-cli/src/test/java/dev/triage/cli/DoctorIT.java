package dev.triage.cli;

import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.Env;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LlmSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code triage doctor} against a healthy stack and against nothing. */
class DoctorIT {

    @TempDir
    Path dir;

    @Test
    void aHealthyStackPassesEveryCheck() {
        try (LocalStack stack = LocalStack.start(new Env(Map.of("LLM_PROVIDER", "offline")), new LocalStack.Options(0, 0, 0, dir, null));
             LlmSimulator sim = LlmSimulator.start(0, new Faults(), List.of("doc-model"), 1)) {
            CliRun run = CliRun.of("doctor", "--mongodb-uri", stack.mongoUri(), "--kafka-bootstrap-servers",
                    stack.kafkaBootstrapServers(), "--llm-provider", "ollama", "--llm-api-url", sim.url(), "--llm-model", "doc-model");

            assertThat(run.exit()).as(run.out()).isZero();
            assertThat(run.out()).contains("ok    MongoDB reachable", "ok    MongoDB change streams work",
                    "ok    unique index on results.query_id present", "ok    Kafka reachable",
                    "ok    topic triage.conversations: 3 partitions", "ok    model doc-model classified a sample in")
                    .doesNotContain("FAIL");
        }
    }

    @Test
    void nothingRunningIsExplainedLineByLine() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        CliRun run = CliRun.of("doctor", "--mongodb-uri", "mongodb://localhost:" + closed, "--kafka-bootstrap-servers",
                "localhost:" + closed, "--llm-provider", "ollama", "--llm-api-url", "http://localhost:" + closed);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  MongoDB not reachable", "MONGODB_URI", "FAIL  Kafka not reachable",
                "KAFKA_BOOTSTRAP_SERVERS", "FAIL  model llama3.2", "LLM_API_URL");
    }
}
