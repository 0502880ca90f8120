package dev.triage.cli;

import dev.triage.cli.batch.BatchCommand;
import dev.triage.cli.batch.LoadCommand;
import dev.triage.cli.bench.BenchCommand;
import dev.triage.cli.doctor.DoctorCommand;
import dev.triage.cli.eval.EvalCommand;
import dev.triage.cli.local.DemoCommand;
import dev.triage.cli.replay.ReplayDlqCommand;
import dev.triage.cli.reprocess.ReprocessCommand;
import dev.triage.cli.send.SendCommand;
import dev.triage.cli.local.LocalCommand;
import dev.triage.cli.service.ClassifierCommand;
import dev.triage.cli.service.GatewayCommand;
import dev.triage.cli.service.LlmSimCommand;
import dev.triage.cli.service.SinkCommand;
import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import dev.triage.localstack.Ports;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Locale;

/** The {@code triage} command: one entry point for the local stack, the demo and each service. */
@Command(name = "triage", mixinStandardHelpOptions = true, version = "triage 0.1.0",
        description = "Labels customer-support conversations with an LLM (intent, topic, sentiment) on Kafka.",
        subcommands = {LocalCommand.class, DemoCommand.class, GatewayCommand.class, ClassifierCommand.class,
                SinkCommand.class, BatchCommand.class, LoadCommand.class, SendCommand.class, ReplayDlqCommand.class, ReprocessCommand.class,
                DoctorCommand.class, LlmSimCommand.class, BenchCommand.class, EvalCommand.class})
public final class TriageCli implements Runnable {

    /** Exit code for bad configuration or a port in use: fix the setting and run again. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code when something else failed (a server unreachable at start, ...). */
    public static final int EXIT_FAILURE = 1;
    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // The JDK HttpClient completes every sendAsync on the common pool; with fewer than 3 cores
        // that pool has parallelism 1, and CompletableFuture then starts a new thread per task
        // (measured: one thread per model call, half the classifier's CPU). Set before first use.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, "4");
        }
        // Before the first logger exists: logback.xml reads the level and format from these
        // properties, and LOG_LEVEL / LOG_FORMAT may come from .env, which logback does not read.
        String level = Env.load().string("LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            System.err.println("triage: LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR, was '" + level + "'");
            System.exit(EXIT_CONFIG);
        }
        System.setProperty("LOG_LEVEL", level);
        String format = Env.load().string("LOG_FORMAT", "text").toUpperCase(Locale.ROOT);
        if (!List.of("TEXT", "JSON").contains(format)) {
            System.err.println("triage: LOG_FORMAT must be text or json, was '" + format.toLowerCase(Locale.ROOT) + "'");
            System.exit(EXIT_CONFIG);
        }
        System.setProperty("LOG_FORMAT", format);
        System.exit(commandLine().execute(args));
    }

    /** The command line with the error handling of the real program (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TriageCli());
        giveVersion(cli, cli.getCommandSpec().version());
        return cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("triage: " + e.getMessage());
            if (e instanceof ConfigException || e instanceof Ports.PortInUseException) {
                return EXIT_CONFIG;
            }
            LoggerFactory.getLogger(TriageCli.class).debug("details", e);
            cmd.getErr().println("triage: (LOG_LEVEL=DEBUG shows the details)");
            return EXIT_FAILURE;
        });
    }

    /** Every subcommand lists {@code -V}; picocli prints a version only where one is declared. */
    private static void giveVersion(CommandLine command, String[] version) {
        command.getSubcommands().values().forEach(sub -> {
            sub.getCommandSpec().version(version);
            giveVersion(sub, version);
        });
    }
}
