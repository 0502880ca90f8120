package dev.triage.cli.bench;

import dev.triage.cli.Progress;
import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import dev.triage.localstack.llm.Faults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;

/**
 * {@code triage bench api}: the latency the synchronous API adds to the model's. Starts the whole
 * embedded stack with the LLM simulator answering after exactly {@code --latency-ms}, sends
 * {@code --warmup} uncounted requests (connections, consumer fetch sessions, the first JIT
 * compilations), then {@code --requests} distinct conversations to {@code POST /classify} over HTTP
 * with {@code --concurrency} in flight, and reports end-to-end percentiles and the overhead beyond
 * the simulator's latency. That closed loop has no intended rate, so its latencies are recorded as
 * measured and a stall shows once instead of in every request it held back (coordinated omission);
 * {@code --rate} sends open-loop at a fixed rate instead and times each request from when it was
 * due, so the tail includes stalls (see {@link ApiLoad}). Exit code 0 when every request was answered 200, 1 otherwise; the
 * targets are reported, not enforced (the numbers depend on the machine).
 *
 * <p>A few dozen warm-up requests leave the JIT compiling through the measured phase (on 2 cores
 * its threads took a fifth of the CPU there); {@code --warmup 2000} gives steady-state numbers.
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Latency the synchronous POST /classify adds to the model's, on the embedded stack.")
public final class ApiBench implements Callable<Integer> {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--requests", defaultValue = "2000", description = "Measured requests (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--concurrency", defaultValue = "16", description = "Requests in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Simulated model latency (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--warmup", defaultValue = "50",
            description = "Uncounted requests first (default ${DEFAULT-VALUE}; 2000 for steady-state numbers).")
    int warmup;

    @Option(names = "--rate", defaultValue = "0",
            description = "Requests/s sent open-loop, each timed from when it was due (default ${DEFAULT-VALUE}:"
                    + " closed loop, --concurrency in flight).")
    double rate;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || concurrency < 1 || latencyMs < 0 || warmup < 0 || !(rate >= 0)) {
            throw new ConfigException("--requests and --concurrency must be >= 1, --latency-ms, --warmup and --rate >= 0,"
                    + " were " + requests + ", " + concurrency + ", " + latencyMs + ", " + warmup + ", " + rate);
        }
        Path dir = Files.createTempDirectory("triage-bench-api-");
        try (LocalStack stack = LocalStack.start(stackEnv(), new LocalStack.Options(0, 0, 0, dir,
                new Faults().latencyMs(latencyMs)))) {
            ApiReport report;
            try (ApiLoad load = new ApiLoad(URI.create("http://localhost:" + stack.gatewayPort() + "/classify"),
                    concurrency, REQUEST_TIMEOUT)) {
                report = measure(load);
            }
            System.out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
            return report.errors() == 0 ? 0 : 1;
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private ApiReport measure(ApiLoad load) throws InterruptedException {
        String run = "bench-api-" + Long.toString(System.currentTimeMillis(), 36);
        load.run(new CustomerTexts(7, run + "-warmup").bodies(warmup), done -> { });
        List<byte[]> bodies = new CustomerTexts(42, run).bodies(requests);
        Progress bar = new Progress(requests);
        ServiceCpu cpu = ServiceCpu.start();
        long started = System.nanoTime();
        LongConsumer progress = done -> {
            if (!json) {
                bar.update(done);
            }
        };
        List<ApiLoad.Sample> samples = rate > 0 ? load.runAtRate(bodies, rate, progress) : load.run(bodies, progress);
        double seconds = (System.nanoTime() - started) / 1e9;
        return ApiReport.of(samples, seconds, cpu == null ? null : cpu.stop(), new ApiReport.Settings(concurrency, rate, latencyMs, warmup));
    }

    /**
     * The environment with what would distort the measurement overridden: no API keys or rate limit
     * (a user's .env may set them), no answer cache (repeated texts would skip the model), and room in the classifier and the gateway for every request in
     * flight, so none queues in front of the model or is turned away.
     */
    private Env stackEnv() {
        return Env.load().with(Map.of(
                "GATEWAY_API_KEYS", "",
                "GATEWAY_RATE_LIMIT", "0",
                "CACHE_MAX_ENTRIES", "0",
                "MAX_CONCURRENT", String.valueOf(Math.max(16, inFlight())),
                "GATEWAY_MAX_PENDING", String.valueOf(Math.max(1000, inFlight()))));
    }

    /** Requests in flight: {@code --concurrency}, or in open loop twice rate x latency (Little's law, with room). */
    private int inFlight() {
        return Math.max(concurrency, (int) Math.ceil(2 * rate * latencyMs / 1000.0));
    }
}
