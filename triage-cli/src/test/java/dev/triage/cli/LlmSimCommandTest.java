package dev.triage.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LlmSimCommandTest {

    @TempDir
    Path dir;

    @Test
    void aCallsLogThatCannotBeWrittenIsNamedAndNothingStarts() {
        Path unwritable = dir.resolve("no-such-dir").resolve("calls.tsv");

        CliRun run = CliRun.of("llm-sim", "--port", "0", "--calls-log", unwritable.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--calls-log").contains(unwritable.toString());
        assertThat(run.out()).doesNotContain("LLM simulator on");
    }

    @Test
    void theCallsLogFlagIsDocumentedInTheHelp() {
        CliRun run = CliRun.of("llm-sim", "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--calls-log=FILE");
    }
}
