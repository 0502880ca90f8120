package dev.triage.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's own behaviour, beside what each command does. */
class TriageCliTest {

    @Test
    void everyCommandPrintsTheVersionItsHelpPromises() {
        for (String[] args : new String[][] {{"-V"}, {"send", "-V"}, {"bench", "api", "-V"}, {"local", "--version"}}) {
            CliRun run = CliRun.of(args);

            assertThat(run.exit()).isZero();
            assertThat(run.out()).as(String.join(" ", args)).startsWith("triage 0.1.0");
        }
    }
}
