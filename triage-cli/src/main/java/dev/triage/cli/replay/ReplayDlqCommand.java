package dev.triage.cli.replay;

import dev.triage.core.config.Env;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code triage replay-dlq}: sends dead letters back where they failed, with their original key and
 * value and {@code triage-replay-count} incremented: classifier dead letters to the conversations
 * topic, sink dead letters to the classifications topic. Dead letters already replayed
 * {@code --max-replays} times go to the parking topic instead of cycling forever.
 *
 * <p>It reads the dead-letter topic in the consumer group {@code triage-replay}, from the group's
 * position up to where the topic ended at start, one poll at a time: send, wait for Kafka's
 * acknowledgements, commit. A Kafka commit is one offset per partition, so "read" must mean
 * "handled": dead letters the filters do not choose are put back, unchanged, at the end of the
 * dead-letter topic before the commit passes them, and a later run (with other filters) finds
 * them there. Committing only up to the first unchosen letter would replay the chosen letters
 * after it again on every later run.
 */
@Command(name = "replay-dlq", mixinStandardHelpOptions = true,
        description = {"Replay dead letters: classifier ones to the conversations topic, sink ones to the "
                + "classifications topic. Prints a summary by stage and error code first (--dry-run stops there).",
                "Dead letters the filters do not choose are put back, unchanged, at the end of the dead-letter "
                        + "topic, so a later run with other filters still finds them; what was read is committed in "
                        + "the consumer group triage-replay, only once Kafka acknowledged its sends.",
                "Exit code 0 when nothing was parked or left (--limit), 1 otherwise or when a send failed."})
public final class ReplayDlqCommand implements Callable<Integer> {

    static final String GROUP = "triage-replay";
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--since", description = "Only dead letters that failed at or after this ISO-8601 instant.")
    Instant since;

    @Option(names = "--until", description = "Only dead letters that failed before this ISO-8601 instant.")
    Instant until;

    @Option(names = "--error-code", arity = "1..*", description = "Only these error codes (INVALID_PAYLOAD, LLM_BAD_OUTPUT, ...).")
    List<String> errorCodes = new ArrayList<>();

    @Option(names = "--stage", defaultValue = "all", converter = Stage.Converter.class,
            description = "Only dead letters of this stage: classifier, sink or all (default ${DEFAULT-VALUE}).")
    Stage stage;

    @Option(names = "--limit", description = "Replay at most this many; the run stops there and the rest stays for the next run.")
    Integer limit;

    @Option(names = "--dry-run", description = "Print the summary, replay nothing, commit nothing.")
    boolean dryRun;

    @Option(names = "--max-replays", defaultValue = "3", description = "Park a dead letter replayed this many times already (default ${DEFAULT-VALUE}).")
    int maxReplays;

    @Option(names = "--rate", description = "Replay at most this many per second.")
    Double rate;

    @Option(names = "--batch-size", defaultValue = "500",
            description = "Dead letters per poll; each poll's sends are acknowledged and committed before the next (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--kafka-bootstrap-servers", description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        validate();
        Env env = Env.load();
        if (bootstrap != null) {
            env = env.with(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap));
        }
        KafkaSettings kafka = KafkaSettings.fromEnv(env);
        Topics topics = kafka.topics();
        TopicAdmin.ensureTopics(kafka, List.of(topics.deadLetter(), topics.conversations(), topics.classifications(),
                topics.parked()), Duration.ofSeconds(30));
        ReplayFilter filter = new ReplayFilter(stage, since, until, Set.copyOf(errorCodes));
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka.withGroupInstanceId(null), GROUP, GROUP, batchSize)) {
            DeadLetterReader reader = new DeadLetterReader(consumer, topics.deadLetter(), STALL_TIMEOUT);
            Summary summary = new Summary(filter);
            reader.forEachChunk(chunk -> {
                chunk.forEach(summary::count);
                return true;
            });
            summary.print(System.out, topics.deadLetter());
            if (dryRun) {
                System.out.println("dry run: nothing replayed, nothing committed");
                return summary.chosen() == 0 ? 0 : 1;
            }
            reader.rewind();
            return replay(kafka, consumer, reader, filter, summary.chosen());
        }
    }

    private int replay(KafkaSettings kafka, KafkaConsumer<byte[], byte[]> consumer, DeadLetterReader reader,
                       ReplayFilter filter, long chosen) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka, "triage-replay")) {
            Replayer replayer = new Replayer(consumer, producer, filter, kafka.topics(), maxReplays, limit, new Pacer(rate));
            try {
                reader.forEachChunk(replayer);
            } catch (Replayer.SendFailedException e) {
                print(replayer.outcome(), kafka.topics(), chosen);
                System.err.println("triage: " + e.getMessage());
                return 1;
            }
            Outcome outcome = replayer.outcome();
            long left = print(outcome, kafka.topics(), chosen);
            return outcome.parked() + left == 0 ? 0 : 1;
        }
    }

    /** Prints what was done; returns how many chosen dead letters were left for the next run. */
    private static long print(Outcome outcome, Topics topics, long chosen) {
        long left = chosen - outcome.replayed() - outcome.parked();
        System.out.printf("replayed %d, parked %d (in %s), kept %d (not chosen, put back at the end of %s), left %d%n",
                outcome.replayed(), outcome.parked(), topics.parked(), outcome.kept(), topics.deadLetter(), left);
        outcome.replayedTo().forEach((topic, n) -> System.out.printf("  replayed to %-28s %6d%n", topic, n));
        return left;
    }

    private void validate() {
        if (rate != null && rate <= 0) {
            throw new ParameterException(spec.commandLine(), "--rate must be > 0, was " + rate);
        }
        if (limit != null && limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 0, was " + limit);
        }
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be >= 1, was " + batchSize);
        }
    }
}
