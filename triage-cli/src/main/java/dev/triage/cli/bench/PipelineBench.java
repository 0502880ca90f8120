package dev.triage.cli.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.cli.Progress;
import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.localstack.llm.Faults;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code triage bench pipeline}: the whole pipeline on the embedded stack with the simulator
 * answering at once (or after {@code --latency-ms}). After {@code --warmup} uncounted queries,
 * inserts N queries into MongoDB (1,000 per bulk insert, or 100 at a time at {@code --rate}, each stamped), waits
 * until the sink marked them all processed, and reports the insert-to-result throughput and the
 * per-record latency (the sink's {@code updated_at} minus the insert stamp). Every query is inserted
 * up front without waiting for results, and its latency runs from the stamp taken just before its
 * chunk's insert, so time spent queued behind a stall is counted: no coordinated omission to
 * correct. For scale it also
 * measures, on the same machine and stack, the raw rate of MongoDB bulk inserts and of Kafka
 * produce+consume, and gives the pipeline's rate as a fraction of the slower of the two.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Insert-to-result throughput and latency of the whole pipeline on the embedded stack.")
public final class PipelineBench implements Callable<Integer> {

    private static final int CHUNK = 1000;
    private static final int PACED_CHUNK = 100;

    @Option(names = "--records", defaultValue = "20000", description = "Queries (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--warmup", defaultValue = "0",
            description = "Queries put through the pipeline first and not counted (default ${DEFAULT-VALUE}: a cold start,"
                    + " with the JIT compiling on the same cores; 5000 for steady-state numbers).")
    int warmup;

    @Option(names = "--rate", defaultValue = "0",
            description = "Queries inserted per second, 100 at a time, each stamped when it was due (default ${DEFAULT-VALUE}:"
                    + " all at once). Below the pipeline's capacity, the first and last windows then show whether it"
                    + " stays as fast as history grows.")
    double rate;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--latency-ms", defaultValue = "0",
            description = "The simulator answers after this long (default ${DEFAULT-VALUE}: at once).")
    int latencyMs;

    @Option(names = "--concurrency", defaultValue = "16",
            description = "MAX_CONCURRENT of the classifier (default ${DEFAULT-VALUE}); with --latency-ms the rate "
                    + "is also given as a fraction of concurrency / latency.")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        if (records < 1 || concurrency < 1 || latencyMs < 0 || warmup < 0 || !(rate >= 0)) {
            throw new ConfigException("--records and --concurrency must be >= 1, --latency-ms, --warmup and --rate >= 0,"
                    + " were " + records + ", " + concurrency + ", " + latencyMs + ", " + warmup + ", " + rate);
        }
        Path dir = Files.createTempDirectory("triage-bench-pipeline-");
        Env env = Env.load().with(Map.of("LLM_PROVIDER", "ollama", "CACHE_MAX_ENTRIES", "0", // every record meets the model
                "MAX_CONCURRENT", String.valueOf(concurrency)));
        try {
            Map<String, Object> out;
            try (LocalStack stack = LocalStack.start(env, new LocalStack.Options(0, 0, 0, dir, new Faults().latencyMs(latencyMs)));
                 MongoClient client = MongoClients.create(stack.mongoUri())) {
                var db = client.getDatabase(stack.mongo().database());
                double rawMongo = rawMongo(db.getCollection("bench_raw"));
                double rawKafka = rawKafka(stack.kafkaSettings(env));
                MongoCollection<Document> queries = db.getCollection(stack.mongo().queriesCollection());
                MongoCollection<Document> results = db.getCollection(stack.mongo().resultsCollection());
                if (warmup > 0) {
                    pipeline(queries, results, "warmup", warmup, 0, 0);
                }
                out = pipeline(queries, results, "measured", records, warmup, rate);
                out.put("warmup", warmup);
                out.put("rate_per_s", rate > 0 ? rate : null);
                long storeBytes = Files.size(dir.resolve("mongo").resolve("mongo.mv"));
                out.put("mongo_store_mb", round(storeBytes / 1e6));
                out.put("mongo_store_bytes_per_query", storeBytes / (warmup + records));
                out.put("raw_mongo_per_s", round(rawMongo));
                out.put("raw_kafka_per_s", round(rawKafka));
                out.put("fraction_of_raw", Math.round(records / (double) out.get("seconds") / Math.min(rawMongo, rawKafka) * 1000) / 1000.0);
                if (latencyMs > 0) {
                    double bound = concurrency * 1000.0 / latencyMs;
                    out.put("concurrency_over_latency_per_s", round(bound));
                    out.put("fraction_of_bound", Math.round(records / (double) out.get("seconds") / bound * 1000) / 1000.0);
                }
            }
            // at rest: the stack closed, as a user finds data/local after stopping `triage local`
            long mongoClosed = Files.size(dir.resolve("mongo").resolve("mongo.mv"));
            out.put("mongo_store_bytes_per_query_at_rest", mongoClosed / (warmup + records));
            out.put("data_dir_bytes_per_query_at_rest", sizeOf(dir) / (warmup + records));
            print(out);
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /**
     * Puts {@code count} queries, marked {@code bench_phase: phase}, through the pipeline, after
     * {@code before} queries already processed, all at once or {@code perSecond} a second; what it
     * measured of them.
     */
    private Map<String, Object> pipeline(MongoCollection<Document> queries, MongoCollection<Document> results,
                                         String phase, int count, int before, double perSecond) throws InterruptedException {
        ServiceCpu cpu = ServiceCpu.start();
        long started = System.nanoTime();
        long startedMillis = System.currentTimeMillis();
        boolean paced = perSecond > 0;
        int chunk = paced ? PACED_CHUNK : CHUNK;
        for (int i = 0; i < count; i += chunk) {
            List<Document> docs = new ArrayList<>();
            Date now = new Date();
            if (paced) { // stamped when due, so a late insert counts its lateness (no coordinated omission)
                long dueNanos = started + (long) (i * 1e9 / perSecond);
                TimeUnit.NANOSECONDS.sleep(dueNanos - System.nanoTime());
                now = new Date(startedMillis + (long) (i * 1000 / perSecond));
            }
            for (int j = i; j < Math.min(count, i + chunk); j++) {
                docs.add(new Document("text", "Order " + j + " has not arrived, I want a refund")
                        .append("processed", false).append("inserted_at", now).append("bench_phase", phase));
            }
            queries.insertMany(docs);
        }
        Progress bar = json ? null : new Progress(count);
        long processed = 0;
        while (processed < count) {
            // the results' count is kept by the server (a filtered count would read every query, and
            // slow the run down more the more queries there are); the exact check follows
            Thread.sleep(200);
            long stored = results.estimatedDocumentCount() - before;
            if (stored >= count) {
                processed = queries.countDocuments(Filters.and(Filters.eq("bench_phase", phase), Filters.eq("processed", true)));
            }
            if (bar != null) {
                bar.update(Math.max(0, Math.min(count, stored)));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> cpuNanos = cpu == null ? null : cpu.stop();
        Latencies latencies = new Latencies();
        List<Long> finished = new ArrayList<>(count);
        queries.find(Filters.eq("bench_phase", phase)).forEach(q -> {
            latencies.recordMillis(q.getDate("updated_at").getTime() - q.getDate("inserted_at").getTime());
            finished.add(q.getDate("updated_at").getTime());
        });
        finished.sort(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", count);
        out.put("seconds", round(seconds));
        out.put("records_per_s", round(count / seconds));
        out.put("p50_ms", Math.round(latencies.ms(50)));
        out.put("p99_ms", Math.round(latencies.ms(99)));
        out.put("p999_ms", Math.round(latencies.ms(99.9)));
        out.put("max_ms", Math.round(latencies.maxMs()));
        windows(finished, out);
        if (cpuNanos != null) {
            // everything runs in this JVM; by service (thread names) for layouts where each has its own machine
            out.put("cpu_ms_per_record", Math.round(ServiceCpu.total(cpuNanos) / 1e6 / count * 100) / 100.0);
            Map<String, Double> byService = new LinkedHashMap<>();
            cpuNanos.forEach((service, nanos) -> byService.put(service, Math.round(nanos / 1e6 / count * 1000) / 1000.0));
            out.put("cpu_ms_per_record_by_service", byService);
        }
        return out;
    }

    /**
     * The rate of the first and of the last {@code window} results (a fifth of the records, at most
     * 10,000), from their {@code updated_at}: whether the pipeline slows down as history grows.
     */
    private static void windows(List<Long> finished, Map<String, Object> out) {
        int window = Math.max(2, Math.min(10_000, finished.size() / 5));
        if (finished.size() < window * 2) {
            return;
        }
        double first = (window - 1) / Math.max(0.001, (finished.get(window - 1) - finished.get(0)) / 1000.0);
        int n = finished.size();
        double last = (window - 1) / Math.max(0.001, (finished.get(n - 1) - finished.get(n - window)) / 1000.0);
        out.put("window", window);
        out.put("first_window_per_s", round(first));
        out.put("last_window_per_s", round(last));
        out.put("last_to_first", Math.round(last / first * 1000) / 1000.0);
    }

    private double rawMongo(MongoCollection<Document> scratch) {
        long started = System.nanoTime();
        for (int i = 0; i < records; i += CHUNK) {
            List<Document> docs = new ArrayList<>();
            for (int j = i; j < Math.min(records, i + CHUNK); j++) {
                docs.add(new Document("text", "Order " + j + " has not arrived, I want a refund").append("processed", false));
            }
            scratch.insertMany(docs);
        }
        double rate = records / ((System.nanoTime() - started) / 1e9);
        scratch.drop();
        return rate;
    }

    private double rawKafka(KafkaSettings kafka) {
        KafkaSettings raw = kafka.withTopics(Topics.defaults().withPrefix("bench-raw."));
        String topic = raw.topics().conversations();
        TopicAdmin.ensureTopics(raw, List.of(topic), Duration.ofSeconds(30));
        byte[] value = Json.encode(Map.of("text", "Order 1 has not arrived, I want a refund", "padding", "x".repeat(200)));
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(raw, "bench-raw");
             KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(raw, null, "bench-raw", 5000)) {
            KafkaClients.assignAtEnd(consumer, List.of(topic), Duration.ofSeconds(30));
            long started = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, String.valueOf(i).getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
            long consumed = 0;
            while (consumed < records) {
                consumed += consumer.poll(Duration.ofMillis(100)).count();
            }
            return records / ((System.nanoTime() - started) / 1e9);
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private void print(Map<String, Object> out) {
        if (json) {
            System.out.println(Json.encodeToString(out));
        } else {
            out.forEach((k, v) -> System.out.printf("%-18s %s%n", k, v));
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
