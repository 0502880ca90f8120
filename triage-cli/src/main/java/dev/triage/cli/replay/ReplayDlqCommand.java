package dev.triage.cli.replay;

import dev.triage.core.config.Env;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.TriageHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code triage replay-dlq}: sends dead letters back to the conversations topic, with their
 * original key and value and {@code triage-replay-count} incremented. Dead letters already replayed
 * {@code --max-replays} times go to the parking topic instead of cycling forever. It reads the
 * dead-letter topic up to where it ended at start, in the consumer group {@code triage-replay}:
 * what a run has read (replayed, parked or filtered out) is not read again by the next run.
 */
@Command(name = "replay-dlq", mixinStandardHelpOptions = true,
        description = "Replay dead-lettered conversations; a summary by error code first (--dry-run stops there).")
public final class ReplayDlqCommand implements Callable<Integer> {

    static final String GROUP = "triage-replay";

    @Option(names = "--since", description = "Only dead letters that failed at or after this ISO-8601 instant.")
    Instant since;

    @Option(names = "--until", description = "Only dead letters that failed before this ISO-8601 instant.")
    Instant until;

    @Option(names = "--error-code", arity = "1..*", description = "Only these error codes (INVALID_PAYLOAD, LLM_BAD_OUTPUT, ...).")
    List<String> errorCodes = new ArrayList<>();

    @Option(names = "--limit", description = "Replay at most this many.")
    Integer limit;

    @Option(names = "--dry-run", description = "Print the summary, replay nothing, remember nothing.")
    boolean dryRun;

    @Option(names = "--max-replays", defaultValue = "3", description = "Park a dead letter replayed this many times already (default ${DEFAULT-VALUE}).")
    int maxReplays;

    @Option(names = "--rate", description = "Replay at most this many per second.")
    Double rate;

    @Option(names = "--kafka-bootstrap-servers", description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        Env env = Env.load();
        if (bootstrap != null) {
            env = env.with(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap));
        }
        KafkaSettings kafka = KafkaSettings.fromEnv(env);
        String parked = kafka.topics().parked();
        TopicAdmin.ensureTopics(kafka, List.of(kafka.topics().deadLetter(), kafka.topics().conversations(), parked),
                Duration.ofSeconds(30));
        ReplayFilter filter = new ReplayFilter(since, until, Set.copyOf(errorCodes));
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka.withGroupInstanceId(null), GROUP, GROUP, 500)) {
            List<ConsumerRecord<byte[], byte[]>> pending = readToEnd(consumer, kafka.topics().deadLetter());
            List<ConsumerRecord<byte[], byte[]>> chosen = pending.stream().filter(filter::matches).toList();
            printSummary(pending, chosen);
            if (dryRun) {
                return chosen.isEmpty() ? 0 : 1;
            }
            Outcome outcome = replay(kafka, parked, chosen);
            consumer.commitSync(nextOffsets(outcome.handledUpTo(pending, chosen)));
            System.out.printf("replayed %d, parked %d (in %s), left %d%n", outcome.replayed, outcome.parked, parked,
                    outcome.left);
            return outcome.parked + outcome.left == 0 ? 0 : 1;
        }
    }

    /** Everything in the topic from the group's position to where the topic ends now. */
    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    records.add(r);
                }
            }
        }
        return records;
    }

    private Outcome replay(KafkaSettings kafka, String parkedTopic, List<ConsumerRecord<byte[], byte[]>> chosen)
            throws InterruptedException {
        Outcome outcome = new Outcome();
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka, "triage-replay")) {
            for (ConsumerRecord<byte[], byte[]> dead : chosen) {
                if (limit != null && outcome.replayed >= limit) {
                    outcome.left++;
                    continue;
                }
                int count = replayCount(dead);
                if (count >= maxReplays) {
                    producer.send(new ProducerRecord<>(parkedTopic, null, dead.key(), dead.value(), dead.headers()));
                    outcome.parked++;
                    outcome.handled.add(dead);
                    continue;
                }
                pace(started, outcome.replayed);
                producer.send(new ProducerRecord<>(kafka.topics().conversations(), null, dead.key(), dead.value(),
                        replayHeaders(dead, count + 1)));
                outcome.replayed++;
                outcome.handled.add(dead);
            }
            producer.flush();
        }
        return outcome;
    }

    private void pace(long startedNanos, int sent) throws InterruptedException {
        if (rate == null || rate <= 0) {
            return;
        }
        long due = startedNanos + (long) (sent / rate * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** The original headers without the dead-letter and reply ones, and the new replay count. */
    private static RecordHeaders replayHeaders(ConsumerRecord<byte[], byte[]> dead, int count) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : dead.headers()) {
            boolean dropped = h.key().startsWith("triage-") && !h.key().equals(TriageHeaders.REPLAY_COUNT);
            if (!dropped) {
                headers.add(h);
            }
        }
        TriageHeaders.put(headers, TriageHeaders.REPLAY_COUNT, count);
        return headers;
    }

    private static int replayCount(ConsumerRecord<byte[], byte[]> dead) {
        try {
            String value = TriageHeaders.get(dead.headers(), TriageHeaders.REPLAY_COUNT);
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void printSummary(List<ConsumerRecord<byte[], byte[]>> pending, List<ConsumerRecord<byte[], byte[]>> chosen) {
        Map<String, int[]> byCode = new TreeMap<>();
        pending.forEach(r -> byCode.computeIfAbsent(code(r), c -> new int[2])[0]++);
        chosen.forEach(r -> byCode.get(code(r))[1]++);
        System.out.printf("%d dead letters not read before, %d chosen%n", pending.size(), chosen.size());
        byCode.forEach((code, n) -> System.out.printf("  %-24s %6d  chosen %d%n", code, n[0], n[1]));
    }

    private static String code(ConsumerRecord<byte[], byte[]> r) {
        String code = TriageHeaders.get(r.headers(), TriageHeaders.ERROR_CODE);
        return code == null ? "(none)" : code;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<byte[], byte[]>> handled) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : handled) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /** What a run did; dead letters left by {@code --limit} stay for the next run. */
    private static final class Outcome {
        int replayed;
        int parked;
        int left;
        final Set<ConsumerRecord<byte[], byte[]>> handled = Collections.newSetFromMap(new IdentityHashMap<>());

        /**
         * What may be committed: every record read, except that a partition stops before its
         * first chosen record left by {@code --limit} (so the next run still sees it).
         */
        List<ConsumerRecord<byte[], byte[]>> handledUpTo(List<ConsumerRecord<byte[], byte[]>> read,
                                                        List<ConsumerRecord<byte[], byte[]>> chosen) {
            Map<TopicPartition, Long> firstLeft = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : chosen) {
                if (!handled.contains(r)) {
                    firstLeft.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
                }
            }
            return read.stream().filter(r -> r.offset() < firstLeft.getOrDefault(
                    new TopicPartition(r.topic(), r.partition()), Long.MAX_VALUE)).toList();
        }
    }
}
