package dev.triage.cli.bench;

import dev.triage.cli.TriageCli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One {@code triage} command run as a process of its own (this JVM's class path), so that it can
 * be killed as an operator's {@code kill -9} would: no shutdown hook, nothing flushed. Its output
 * is appended to {@code <dir>/<name>.log} across restarts. Variables of the pipeline inherited
 * from this process's environment are removed, so only {@code env} configures it.
 */
final class ServiceProcess implements AutoCloseable {

    private static final List<String> PIPELINE_VARIABLES = List.of("KAFKA_", "MONGODB_", "LLM_", "TOPIC_", "RELAY_",
            "GATEWAY_", "CLASSIFIER_", "SINK_", "STATS_");

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final File log;
    private Process process;

    ServiceProcess(String name, List<String> args, Map<String, String> env, Path dir) {
        this.name = name;
        this.command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", absoluteClassPath(), TriageCli.class.getName()));
        this.command.addAll(args);
        this.env = Map.copyOf(env);
        this.log = dir.resolve(name + ".log").toFile();
    }

    /** This JVM's class path with every entry absolute: the process runs in {@code dir}. */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
    }

    String name() {
        return name;
    }

    void start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(log.getParentFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        builder.environment().keySet().removeIf(k -> PIPELINE_VARIABLES.stream().anyMatch(k::startsWith));
        builder.environment().putAll(env);
        process = builder.start();
    }

    /** Whether it is running; a process that exited on its own is a failure of the run. */
    boolean alive() {
        return process != null && process.isAlive();
    }

    Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /** SIGKILL, and waits until the process is gone (its ports and files are free). */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, as Ctrl-C: it finishes the work in hand; SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    File log() {
        return log;
    }
}
