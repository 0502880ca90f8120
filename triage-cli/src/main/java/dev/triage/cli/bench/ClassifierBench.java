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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code triage bench classifier}: the classifier alone on the embedded broker against the LLM
 * simulator. One warm-up conversation first (consumer group joined, connections open), then N
 * conversations produced at once; the clock runs from the first produce to the N-th result read
 * back from the classifications topic. The bound is C/L: C calls in flight, each taking L; the
 * overhead per record is the wall time beyond N*L/C, divided by N.
 */
@Command(name = "classifier", mixinStandardHelpOptions = true,
        description = "Classifier throughput against the LLM simulator, compared with the bound C/L.")
public final class ClassifierBench implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--records", defaultValue = "5000", description = "Conversations (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--latency-ms", defaultValue = "200", description = "Simulated model latency (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "64", description = "MAX_CONCURRENT (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("triage-bench-");
        Topics topics = Topics.defaults().withPrefix("bench.");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir);
             LlmSimulator sim = LlmSimulator.start(0, new Faults().latencyMs(latencyMs), List.of("bench"), 1)) {
            KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), topics, partitions, (short) 1);
            TopicAdmin.ensureTopics(settings, topics.all(), Duration.ofSeconds(30));
            LlmSettings llm = LlmSettings.fromEnv(new Env(Map.of("LLM_PROVIDER", "ollama", "LLM_API_URL", sim.url(),
                    "LLM_MODEL", "bench", "CACHE_MAX_ENTRIES", "0")));
            try (ClassifierService classifier = ClassifierService.start(new ClassifierConfig(settings, "bench", concurrency, llm));
                 BenchTraffic traffic = BenchTraffic.open(settings)) {
                traffic.warmUp();
                sim.resetStats();
                long started = System.nanoTime();
                traffic.produce(records, -1);
                traffic.await(records, !json);
                double seconds = (System.nanoTime() - started) / 1e9;
                print(seconds, sim.peakConcurrency());
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    private void print(double seconds, int peak) {
        double perSecond = records / seconds;
        Double bound = latencyMs == 0 ? null : concurrency * 1000.0 / latencyMs;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", records);
        out.put("latency_ms", latencyMs);
        out.put("concurrency", concurrency);
        out.put("partitions", partitions);
        out.put("seconds", round(seconds));
        out.put("records_per_s", round(perSecond));
        out.put("bound_per_s", bound == null ? null : round(bound));
        out.put("efficiency", bound == null ? null : round(perSecond / bound));
        // wall time per record beyond what the model's latency alone requires at this concurrency
        out.put("overhead_ms_per_record", round((seconds * 1000 - (double) records * latencyMs / concurrency) / records));
        out.put("peak_concurrency", peak);
        if (json) {
            System.out.println(Json.encodeToString(out));
        } else {
            out.forEach((k, v) -> System.out.printf("%-24s %s%n", k, v));
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
