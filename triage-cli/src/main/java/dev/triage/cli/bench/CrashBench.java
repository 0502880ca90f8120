package dev.triage.cli.bench;

import dev.triage.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code triage bench crash}: a {@link CrashRun}, printing lost queries, duplicate results and
 * duplicate model calls. Exit code 0 when it passed ({@link CrashRun.Report#passed()}), 1 otherwise.
 */
@Command(name = "crash", mixinStandardHelpOptions = true,
        description = "Kill the pipeline's processes (kill -9) at seeded random points under load; count lost and duplicate results.")
public final class CrashBench implements Callable<Integer> {

    @Option(names = "--queries", defaultValue = "10000", description = "Queries inserted (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--kills", defaultValue = "5", description = "kill -9s during the inserts (default ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the kill points and targets (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rate", defaultValue = "200", description = "Queries inserted a second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--targets", split = ",", defaultValue = "classifier,sink,gateway,local",
            description = "Processes to kill, from classifier, sink, gateway (the relay) and local (Kafka, MongoDB and a classifier and sink) (default ${DEFAULT-VALUE}).")
    List<String> targets;

    @Option(names = "--settle-timeout", defaultValue = "PT10M",
            description = "How long to wait after the last insert for every query to be settled, ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--dir", description = "Where the processes keep data and logs (default: a new temporary directory, kept).")
    Path dir;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!CrashRun.TARGETS.containsAll(targets) || queries < 1 || kills < 0 || rate < 1) {
            System.err.println("triage: --targets must be among " + CrashRun.TARGETS + "; --queries, --rate positive");
            return 2;
        }
        Path where = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("triage-bench-crash-");
        System.err.println("processes' data and logs in " + where);
        CrashRun.Report report = new CrashRun(new CrashRun.Settings(queries, kills, seed, targets, rate, settle, where),
                line -> System.err.println("  " + line)).run();
        Map<String, Object> out = report.toMap();
        if (json) {
            System.out.println(Json.encodeToString(out));
        } else {
            out.forEach((k, v) -> System.out.printf("%-32s %s%n", k, v));
        }
        return report.passed() ? 0 : 1;
    }
}
