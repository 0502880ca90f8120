package dev.triage.cli.local;

import dev.triage.cli.service.ServiceRunner;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.config.Env;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code triage local}: the whole pipeline on this machine, data kept between runs. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run embedded Kafka and MongoDB with the gateway, classifier and sink; Ctrl-C stops.")
public final class LocalCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8000", description = "Gateway HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Embedded Kafka port (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--mongo-port", defaultValue = "27017",
            description = "Embedded MongoDB port (default ${DEFAULT-VALUE}).")
    int mongoPort;

    @Option(names = "--data-dir", defaultValue = "data/local",
            description = "Where Kafka and MongoDB keep their data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--llm-sim", description = "Classify with the built-in LLM simulator instead of LLM_PROVIDER.")
    boolean llmSim;

    @Override
    public Integer call() throws Exception {
        LocalStack stack = LocalStack.start(Env.load(), new LocalStack.Options(kafkaPort, mongoPort, port, dataDir,
                llmSim ? LocalStack.demoSimulator() : null));
        System.out.printf("""

                triage is running (Ctrl-C to stop)
                  gateway     http://localhost:%d   (POST /classify, GET /health)
                  kafka       %s
                  mongodb     %s   (insert into %s.%s to classify)
                  classifier  model %s
                  data        %s
                %n""", stack.gatewayPort(), stack.kafkaBootstrapServers(), stack.mongoUri(),
                stack.mongo().database(), stack.mongo().queriesCollection(), stack.model(),
                dataDir.toAbsolutePath());
        printLiveCounts(stack.gatewayPort());
        return ServiceRunner.runUntilStopped(stack, stack::problem);
    }

    /** Every minute, the current hour's counts when they changed. */
    private static void printLiveCounts(int port) {
        LiveStats stats = new LiveStats(port);
        Thread printer = new Thread(() -> {
            long shown = 0;
            try {
                while (true) {
                    Thread.sleep(60_000);
                    JsonNode bucket = stats.currentHour();
                    long total = bucket == null ? 0 : LiveStats.total(bucket.path("intent"));
                    if (total != shown) {
                        System.out.printf("%n%d classified this hour:%n%s", total, LiveStats.format(bucket));
                        shown = total;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "triage-live-stats");
        printer.setDaemon(true);
        printer.start();
    }
}
