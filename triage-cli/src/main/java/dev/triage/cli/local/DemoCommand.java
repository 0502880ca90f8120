package dev.triage.cli.local;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.config.Env;
import dev.triage.core.mongo.Publishers;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code triage demo}: starts the stack on temporary storage, classifies one conversation through
 * the HTTP API, inserts the sample queries into MongoDB, waits until they are classified, prints
 * them with the statistics, and exits (0 when every query was classified).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the pipeline on sample queries, print the results and exit.")
public final class DemoCommand implements Callable<Integer> {

    private static final String SAMPLE_CONVERSATION = """
            {"conversation_number": "demo-1", "messages": [
              {"sender": "customer", "text": "Hi, my parcel still hasn't arrived and the tracking stopped updating."},
              {"sender": "agent", "text": "Sorry about that, can you share the order number?"},
              {"sender": "customer", "text": "It's 88231. This is the second time, really disappointed."}]}""";

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for all results (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--llm-sim", description = "Classify with the built-in LLM simulator instead of LLM_PROVIDER.")
    boolean llmSim;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("triage-demo-");
        try (LocalStack stack = LocalStack.start(Env.load(),
                new LocalStack.Options(0, 0, 0, dir, llmSim ? LocalStack.demoSimulator() : null));
             MongoClient client = MongoClients.create(stack.mongoUri())) {
            System.out.printf("%nStack up: gateway http://localhost:%d, kafka %s, mongodb %s, model %s%n",
                    stack.gatewayPort(), stack.kafkaBootstrapServers(), stack.mongoUri(), stack.model());
            classifyThroughApi(stack.gatewayPort());
            MongoDatabase db = client.getDatabase(stack.mongo().database());
            int exit = classifyThroughMongo(db.getCollection(stack.mongo().queriesCollection()),
                    db.getCollection(stack.mongo().resultsCollection()));
            printStats(stack.gatewayPort());
            return exit;
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void classifyThroughApi(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
                .uri(URI.create("http://localhost:" + port + "/classify"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SAMPLE_CONVERSATION)).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.printf("%nPOST /classify -> %d%n%s%n", response.statusCode(), response.body());
    }

    private int classifyThroughMongo(MongoCollection<Document> queries, MongoCollection<Document> results)
            throws Exception {
        List<Document> samples = SampleQueries.load();
        long started = System.nanoTime();
        Publishers.first(queries.insertMany(samples)).get(30, TimeUnit.SECONDS);
        System.out.printf("%nInserted %d sample queries into MongoDB; waiting for the pipeline...%n", samples.size());
        long processed = awaitProcessed(queries, samples.size());
        double elapsed = (System.nanoTime() - started) / 1e9;
        printTable(queries, results);
        System.out.printf("""

                {"documents_processed": %d, "successful": %d, "failed": %d, "elapsed_s": %.2f, "throughput_per_s": %.1f}
                """, samples.size(), processed, samples.size() - processed, elapsed, processed / elapsed);
        return processed == samples.size() ? 0 : 1;
    }

    private long awaitProcessed(MongoCollection<Document> queries, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long processed = 0;
        while (processed < expected && System.nanoTime() < deadline) {
            processed = Publishers.first(queries.countDocuments(Filters.eq("processed", true))).get(10, TimeUnit.SECONDS);
            System.out.printf("\r  classified %d/%d", processed, expected);
            if (processed < expected) {
                Thread.sleep(200);
            }
        }
        System.out.println();
        return processed;
    }

    private static void printTable(MongoCollection<Document> queries, MongoCollection<Document> results)
            throws Exception {
        Map<Object, Document> byQuery = Publishers.all(results.find()).get(10, TimeUnit.SECONDS).stream()
                .collect(Collectors.toMap(r -> r.get("query_id"), Function.identity(), (a, b) -> a));
        String format = "%-26s %-20s %-13s %-9s %s%n";
        System.out.printf("%n" + format, "query", "intent", "topic", "sentiment", "text");
        for (Document query : Publishers.all(queries.find()).get(10, TimeUnit.SECONDS)) {
            Document c = byQuery.containsKey(query.get("_id"))
                    ? byQuery.get(query.get("_id")).get("classification", Document.class) : new Document();
            System.out.printf(format, query.get("_id"), c.getString("intent"), c.getString("topic"),
                    c.getString("sentiment"), SampleQueries.preview(query, 60));
        }
    }

    /** The live counts, once the statistics stream has counted every classification of the demo (or after 30 s). */
    private static void printStats(int port) throws InterruptedException {
        LiveStats stats = new LiveStats(port);
        JsonNode bucket = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && (bucket == null || LiveStats.total(bucket.path("intent")) < 35)) {
            Thread.sleep(500);
            bucket = stats.currentHour();
        }
        System.out.printf("%nStatistics (GET /stats?window=1h, current hour):%n%s", LiveStats.format(bucket));
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
