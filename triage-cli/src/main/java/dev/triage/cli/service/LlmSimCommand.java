package dev.triage.cli.service;

import dev.triage.localstack.llm.CallSummary;
import dev.triage.localstack.llm.CallsLog;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LabelOracle;
import dev.triage.localstack.llm.LlmSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.PatternSyntaxException;

/** {@code triage llm-sim}: a model server that misbehaves on request, for trying the pipeline. */
@Command(name = "llm-sim", mixinStandardHelpOptions = true,
        description = "Run the LLM simulator (Ollama and OpenAI endpoints) until Ctrl-C.")
public final class LlmSimCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "11434", description = "Port (default ${DEFAULT-VALUE}, Ollama's).")
    int port;

    @Option(names = "--model", defaultValue = "llama3.2", split = ",",
            description = "Model names it lists (default ${DEFAULT-VALUE}); it answers for any name.")
    List<String> models;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Fixed answer delay.")
    long latencyMs;

    @Option(names = "--jitter-ms", defaultValue = "0", description = "Extra random delay, up to this.")
    long jitterMs;

    @Option(names = "--max-concurrency", defaultValue = "0", description = "Requests beyond this many at once get 503 (0 = no limit).")
    int maxConcurrency;

    @Option(names = "--error-rate", defaultValue = "0", description = "Share of requests answered 500.")
    double errorRate;

    @Option(names = "--rate-limit-rate", defaultValue = "0", description = "Share answered 429 with Retry-After.")
    double rateLimitRate;

    @Option(names = "--bad-output-rate", defaultValue = "0", description = "Share of malformed or out-of-taxonomy answers.")
    double badOutputRate;

    @Option(names = "--hang-rate", defaultValue = "0", description = "Share of requests never answered.")
    double hangRate;

    @Option(names = "--capacity", defaultValue = "0", description = "Requests processed at once, like a model "
            + "server's parallel slots; the others wait in order and their latency starts when they get a slot (0 = no limit).")
    int capacity;

    @Option(names = "--rpm", defaultValue = "0", description = "Requests a minute allowed, as a token bucket holding "
            + "one second's worth; beyond it, 429 with Retry-After (0 = no limit).")
    int rpm;

    @Option(names = "--poison-text", paramLabel = "REGEX", description = "Conversations in which this regex is found "
            + "are always answered 500, as a model that crashes on some input.")
    String poisonText;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault dice.")
    long seed;

    @Option(names = "--calls-log", paramLabel = "FILE", description = "Write one line per chat call answered to FILE "
            + "(created or emptied): conversation key, status, UTC time, tab-separated. The key is a hash of the "
            + "conversation text, the same across retries; GET /calls counts calls per key.")
    Path callsLog;

    @Option(names = "--answers", paramLabel = "FILE", description = "A test device for end-to-end tests of `triage eval`, "
            + "never a quality claim: answer the expected labels of the conversations in FILE (the labelled JSON lines or "
            + "JSON array `triage eval` reads), matched by their messages' texts, with probability --accuracy; a wrong "
            + "answer has all three labels wrong, drawn from those in FILE. Other conversations get the usual answer. "
            + "Faults apply first; --seed and the conversation decide, so retries get the same answer.")
    Path answers;

    @Option(names = "--accuracy", paramLabel = "P", description = "With --answers: the probability (0 to 1) that a "
            + "conversation gets its expected labels (default 1.0).")
    Double accuracy;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Faults faults = faults();
        LabelOracle oracle = oracle();
        CallsLog log = callsLog == null ? CallsLog.NONE : callsLog();
        LlmSimulator sim = LlmSimulator.start(port, faults, models, seed, log, oracle);
        System.out.printf("LLM simulator on %s (Ollama: /api/chat, /api/tags; OpenAI: /v1/chat/completions, /v1/models)%s%n",
                sim.url(), limits());
        return ServiceRunner.runUntilStopped(() -> {
            CallSummary calls = sim.calls(0);
            System.out.printf(Locale.ROOT, "%nrequests %d, 429s %d, 500s %d, latency p50 %s, p99 %s, peak concurrency %d%n"
                            + "conversations %d, called about more than once %d, answered more than once %d%n",
                    sim.requests(), sim.rateLimited(), sim.serverErrors(),
                    millis(sim.latencyPercentileMs(0.5)), millis(sim.latencyPercentileMs(0.99)), sim.peakConcurrency(),
                    calls.conversations(), calls.repeated(), calls.answeredMoreThanOnce());
            if (oracle.isOn()) {
                System.out.printf("answers from --answers %d, conversations not in it %d%n", sim.oracleHits(), sim.oracleMisses());
            }
            sim.close();
        });
    }

    private LabelOracle oracle() {
        if (answers == null) {
            if (accuracy != null) {
                throw new ParameterException(spec.commandLine(), "llm-sim: --accuracy needs --answers FILE");
            }
            return LabelOracle.NONE;
        }
        try {
            return LabelOracle.load(answers, accuracy == null ? 1.0 : accuracy);
        } catch (IllegalArgumentException | UncheckedIOException e) { // a bad entry, a bad accuracy, an unreadable file
            throw new ParameterException(spec.commandLine(), "llm-sim: " + e.getMessage());
        }
    }

    private CallsLog callsLog() {
        try {
            return CallsLog.toFile(callsLog);
        } catch (UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), "llm-sim: --calls-log: " + e.getMessage());
        }
    }

    private Faults faults() {
        try {
            return new Faults().latencyMs(latencyMs).jitterMs(jitterMs).maxConcurrency(maxConcurrency)
                    .errorRate(errorRate).rateLimitRate(rateLimitRate).badOutputRate(badOutputRate).hangRate(hangRate)
                    .capacity(capacity).rpm(rpm).poisonText(poisonText);
        } catch (PatternSyntaxException e) { // its own message spans three lines, with a caret
            throw new ParameterException(spec.commandLine(),
                    "llm-sim: --poison-text is not a valid regex: " + e.getDescription() + " at index " + e.getIndex());
        } catch (IllegalArgumentException e) { // a negative limit
            throw new ParameterException(spec.commandLine(), "llm-sim: " + e.getMessage());
        }
    }

    /** The load limits that are set, for the start line. */
    private String limits() {
        List<String> set = new ArrayList<>();
        if (capacity > 0) {
            set.add("capacity " + capacity);
        }
        if (rpm > 0) {
            set.add(rpm + " requests/minute");
        }
        if (poisonText != null) {
            set.add("poison text /" + poisonText + "/");
        }
        if (answers != null) {
            set.add("expected labels of " + answers + " with probability " + (accuracy == null ? 1.0 : accuracy) + " (a test device)");
        }
        return set.isEmpty() ? "" : ", " + String.join(", ", set);
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.1f ms", ms);
    }
}
