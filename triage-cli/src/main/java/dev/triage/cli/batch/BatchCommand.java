package dev.triage.cli.batch;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code triage batch}: the original batch processor, on the pipeline. Takes every query that is
 * unprocessed when it starts, runs the classifier and the sink in this process against the
 * configured Kafka and MongoDB (on topics and groups of its own, see {@link BatchRun}), and exits
 * with the statistics counted in MongoDB. Exit code 0 when every query was classified, 1 when some
 * failed, 2 when MongoDB cannot be reached, 3 when it stopped waiting ({@code --timeout}) before
 * every query was settled.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Classify every unprocessed query in MongoDB, then exit with statistics.")
public final class BatchCommand implements Callable<Integer> {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(BatchCommand.class);
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    @Mixin
    MongoOptions mongoOptions = new MongoOptions();

    @Option(names = "--kafka-bootstrap-servers", description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS).")
    String kafkaBootstrapServers;

    @Option(names = "--batch-size", description = "Results per MongoDB bulk write (env BATCH_SIZE).")
    Integer batchSize;

    @Option(names = {"--max-concurrent", "--concurrent"}, description = "Most model calls at once (env MAX_CONCURRENT).")
    Integer maxConcurrent;

    @Option(names = "--log-level", description = "DEBUG, INFO, WARN or ERROR (env LOG_LEVEL).")
    String logLevel;

    @Option(names = "--output", description = "Write the statistics (or, with --dry-run, the queries) to this JSON file.")
    Path output;

    @Option(names = "--dry-run", description = "Fetch the unprocessed queries and write them to --output, classify nothing.")
    boolean dryRun;

    @Option(names = "--timeout", defaultValue = "3600", description = "Seconds to wait for the last result; then the run stops, says so and exits 3 (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (logLevel != null) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.toLevel(logLevel, Level.INFO));
        }
        Map<String, String> flags = new HashMap<>(mongoOptions.asEnv());
        MongoOptions.put(flags, "KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
        MongoOptions.put(flags, "BATCH_SIZE", batchSize);
        MongoOptions.put(flags, "MAX_CONCURRENT", maxConcurrent);
        Env env = Env.load().with(flags);
        MongoSettings mongo = MongoSettings.fromEnv(env);
        List<Document> unprocessed = new ArrayList<>();
        try (MongoClient client = Mongo.connect(mongo)) {
            client.getDatabase(mongo.database()).getCollection(mongo.queriesCollection())
                    .find(Filters.ne("processed", true)).into(unprocessed);
            LOG.debug("{} unprocessed queries in {}.{}", unprocessed.size(), mongo.database(), mongo.queriesCollection());
            if (dryRun) {
                writeQueries(unprocessed);
                return 0;
            }
            BatchRun.Stats stats = unprocessed.isEmpty() ? BatchRun.Stats.none()
                    : new BatchRun(env, client.getDatabase(mongo.database()).getCollection(mongo.queriesCollection()),
                            client.getDatabase(mongo.database()).getCollection(mongo.resultsCollection()))
                            .run(unprocessed, Duration.ofSeconds(timeoutSeconds));
            String json = stats.toJson();
            System.out.println(json);
            if (output != null) {
                Files.writeString(output, json + "\n");
            }
            return stats.unsettled() > 0 ? 3 : stats.failed() > 0 ? 1 : 0;
        } catch (Mongo.UnreachableException e) {
            System.err.println("triage: " + e.getMessage());
            return 2;
        }
    }

    private void writeQueries(List<Document> queries) throws IOException {
        if (output == null) {
            try (Writer out = new java.io.PrintWriter(System.out, false)) {
                write(out, queries);
            }
            return;
        }
        try (Writer out = Files.newBufferedWriter(output)) {
            write(out, queries);
        }
        System.out.printf("dry run: %d unprocessed queries written to %s%n", queries.size(), output);
    }

    private static void write(Writer out, List<Document> queries) throws IOException {
        out.write("[");
        for (int i = 0; i < queries.size(); i++) {
            out.write(i == 0 ? "\n  " : ",\n  ");
            out.write(queries.get(i).toJson(RELAXED));
        }
        out.write("\n]\n");
        out.flush();
    }
}
