package dev.triage.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands as a user runs them, through the real command line. */
class DemoCommandIT {

    @Test
    void demoClassifiesEverySampleAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = TriageCli.commandLine().execute("demo");
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("POST /classify -> 200", "\"documents_processed\": 34", "\"successful\": 34",
                "\"failed\": 0", "ticket-1042", "refund_request", "Statistics (GET /stats?window=1h",
                "\"refund_request\":");
    }

    @Test
    void demoWithTheLlmSimulatorGoesThroughTheModelPath() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = TriageCli.commandLine().execute("demo", "--llm-sim");
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("model llm-sim", "\"successful\": 34", "\"failed\": 0");
    }

    @Test
    void badConfigurationStopsWithOneClearLineAndExitCode2() {
        StringWriter err = new StringWriter();
        CommandLine cli = TriageCli.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("local", "--port", "70000");

        assertThat(exit).isEqualTo(TriageCli.EXIT_CONFIG);
        assertThat(err.toString()).contains("triage: ").contains("70000");
    }
}
