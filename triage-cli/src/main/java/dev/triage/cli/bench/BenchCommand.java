package dev.triage.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code triage bench}: benchmarks that print numbers. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on the embedded stack.",
        subcommands = {ClassifierBench.class, PipelineBench.class, ApiBench.class, FaultsBench.class, CrashBench.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
