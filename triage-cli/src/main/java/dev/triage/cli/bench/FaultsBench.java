package dev.triage.cli.bench;

import dev.triage.classifier.ClassifierConfig;
import dev.triage.classifier.ClassifierService;
import dev.triage.classifier.llm.LlmSettings;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LlmSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code triage bench faults}: the classifier on the embedded broker against the LLM simulator over
 * HTTP, one scenario after the other in one run: fault-free; 30% 5xx + 10% 429; 10% hangs; a server
 * that processes K requests at once and queues the rest; a server limited to N requests a minute;
 * one poison conversation. Each prints records/s, its fraction of what it is compared with (the
 * fault-free rate, K/L, or the rpm limit), dead letters, the share of calls answered 429 and the
 * server's p50 latency (queue included).
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = "Classifier throughput when the model server misbehaves, compared with the fault-free rate.")
public final class FaultsBench implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "5000", description = "Conversations per scenario (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--latency-ms", defaultValue = "200", description = "Simulated model latency L (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "512",
            description = "MAX_CONCURRENT, the ceiling of the adaptive limit (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--capacity", defaultValue = "32", description = "K of the capacity-limited server (default ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--rpm", defaultValue = "6000", description = "Requests a minute of the rate-limited server (default ${DEFAULT-VALUE}).")
    int rpm;

    @Option(names = "--only", split = ",", description = "Run only these scenarios (by name).")
    List<String> only;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** One scenario: the simulator's faults, and what its rate is compared with (0 = the fault-free rate). */
    private record Scenario(String name, Faults faults, double boundPerSecond, int records, boolean poison) {
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("triage-bench-faults-");
        List<Map<String, Object>> rows = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir)) {
            Double faultFree = null;
            Double steadyFaultFree = null;
            for (Scenario scenario : scenarios()) {
                if (only != null && !only.contains(scenario.name())) {
                    continue;
                }
                Map<String, Object> row = run(kafka, scenario);
                double perSecond = (double) row.get("records_per_s");
                if (scenario.name().equals("fault-free")) {
                    faultFree = perSecond;
                }
                Double bound = scenario.boundPerSecond() > 0 ? Double.valueOf(scenario.boundPerSecond()) : faultFree;
                double steady = (double) row.get("steady_per_s");
                if (scenario.name().equals("fault-free")) {
                    steadyFaultFree = steady;
                }
                Double steadyBound = scenario.boundPerSecond() > 0 ? Double.valueOf(scenario.boundPerSecond()) : steadyFaultFree;
                row.put("compared_with", scenario.boundPerSecond() > 0 ? "bound " + round(scenario.boundPerSecond()) + "/s"
                        : "fault-free");
                row.put("fraction", bound == null ? null : round(perSecond / bound));
                row.put("steady_fraction", steadyBound == null ? null : round(steady / steadyBound));
                rows.add(row);
                if (!json) {
                    System.err.printf("%-12s %s%n", scenario.name(), Json.encodeToString(row));
                }
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        print(rows);
        return 0;
    }

    private List<Scenario> scenarios() {
        return List.of(
                new Scenario("fault-free", faults(), 0, records, false),
                new Scenario("5xx-429", faults().errorRate(0.3).rateLimitRate(0.1), 0, records, false),
                new Scenario("hangs", faults().hangRate(0.1), 0, records, false),
                new Scenario("capacity", faults().capacity(capacity), capacity * 1000.0 / latencyMs, records, false),
                new Scenario("rpm", faults().rpm(rpm), rpm / 60.0, Math.min(records, rpm / 4), false),
                new Scenario("poison", faults().poisonText("POISON"), 0, 1000, true));
    }

    private Faults faults() {
        return new Faults().latencyMs(latencyMs);
    }

    private Map<String, Object> run(EmbeddedKafka kafka, Scenario scenario) throws Exception {
        Topics topics = Topics.defaults().withPrefix("bench-" + scenario.name() + ".");
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), topics, 3, (short) 1);
        TopicAdmin.ensureTopics(settings, topics.all(), Duration.ofSeconds(30));
        try (LlmSimulator sim = LlmSimulator.start(0, scenario.faults(), List.of("bench"), 1);
             BenchTraffic traffic = BenchTraffic.open(settings)) {
            LlmSettings llm = LlmSettings.fromEnv(new Env(Map.of("LLM_PROVIDER", "ollama", "LLM_API_URL", sim.url(),
                    "LLM_MODEL", "bench", "CACHE_MAX_ENTRIES", "0", "LLM_TIMEOUT", Duration.ofMillis(10 * latencyMs).toMillis() + "ms")));
            try (ClassifierService classifier = ClassifierService.start(new ClassifierConfig(settings,
                    "bench-" + scenario.name(), concurrency, llm))) {
                traffic.warmUp();
                sim.resetStats();
                long started = System.nanoTime();
                traffic.produce(scenario.records(), scenario.poison() ? scenario.records() / 2 : -1);
                BenchTraffic.Outcome outcome = traffic.await(scenario.records(), !json);
                double seconds = (System.nanoTime() - started) / 1e9;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("scenario", scenario.name());
                row.put("records", scenario.records());
                row.put("results", outcome.results());
                row.put("dead_letters", outcome.deadLetters());
                row.put("dead_letter_codes", outcome.codes());
                row.put("seconds", round(seconds));
                row.put("records_per_s", round(outcome.results() / seconds));
                row.put("steady_per_s", round(outcome.steadyPerSecond()));
                row.put("calls", sim.requests());
                row.put("share_429", sim.requests() == 0 ? 0.0 : round((double) sim.rateLimited() / sim.requests()));
                row.put("p50_model_ms", round(sim.latencyPercentileMs(0.5)));
                row.put("committed", traffic.committed("bench-" + scenario.name()));
                return row;
            }
        }
    }

    private void print(List<Map<String, Object>> rows) {
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("latency_ms", latencyMs);
            out.put("max_concurrent", concurrency);
            out.put("llm_timeout_ms", 10 * latencyMs);
            out.put("scenarios", rows);
            System.out.println(Json.encodeToString(out));
            return;
        }
        System.out.printf("L = %d ms, MAX_CONCURRENT = %d, LLM_TIMEOUT = %d ms%n", latencyMs, concurrency, 10 * latencyMs);
        String format = "%-11s %7s %7s %9s %8s %8s %8s %5s %14s %6s %8s %9s%n";
        System.out.printf(format, "scenario", "records", "results", "records/s", "fraction", "steady/s", "fraction",
                "dead", "vs", "429", "p50 ms", "committed");
        for (Map<String, Object> r : rows) {
            System.out.printf(format, r.get("scenario"), r.get("records"), r.get("results"), r.get("records_per_s"),
                    r.get("fraction"), r.get("steady_per_s"), r.get("steady_fraction"), r.get("dead_letters"),
                    r.get("compared_with"), r.get("share_429"), r.get("p50_model_ms"), r.get("committed"));
        }
    }

    private static double round(double value) {
        return Double.isNaN(value) ? value : Math.round(value * 1000) / 1000.0;
    }
}
