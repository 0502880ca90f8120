package dev.triage.cli.service;

import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LlmSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

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

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault dice.")
    long seed;

    @Override
    public Integer call() throws Exception {
        Faults faults = new Faults().latencyMs(latencyMs).jitterMs(jitterMs).maxConcurrency(maxConcurrency)
                .errorRate(errorRate).rateLimitRate(rateLimitRate).badOutputRate(badOutputRate).hangRate(hangRate);
        LlmSimulator sim = LlmSimulator.start(port, faults, models, seed);
        System.out.printf("LLM simulator on %s (Ollama: /api/chat, /api/tags; OpenAI: /v1/chat/completions, /v1/models)%n",
                sim.url());
        return ServiceRunner.runUntilStopped(() -> {
            System.out.printf("%nrequests %d, peak concurrency %d%n", sim.requests(), sim.peakConcurrency());
            sim.close();
        });
    }
}
