package dev.triage.cli.bench;

import dev.triage.cli.Progress;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A benchmark's conversations in, its results and dead letters out: produces conversations and
 * reads, from their ends, the classifications (counted by distinct key) and the dead letters.
 */
final class BenchTraffic implements AutoCloseable {

    /**
     * What came out: distinct conversations classified, dead letters and their codes, and the rate
     * between the 10th and the 90th percent of them (without the ramp-up and the tail).
     */
    record Outcome(int results, int deadLetters, Map<String, Integer> codes, double steadyPerSecond) {
    }

    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final KafkaSettings kafka;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> out;

    private BenchTraffic(KafkaSettings kafka, KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> out) {
        this.kafka = kafka;
        this.producer = producer;
        this.out = out;
    }

    static BenchTraffic open(KafkaSettings kafka) {
        KafkaConsumer<byte[], byte[]> out = KafkaClients.consumer(kafka, null, "bench-out", 5000);
        KafkaClients.assignAtEnd(out, List.of(kafka.topics().classifications(), kafka.topics().deadLetter()),
                Duration.ofSeconds(30));
        return new BenchTraffic(kafka, KafkaClients.producer(kafka, "bench-in"), out);
    }

    /** One conversation through, so the consumer group is joined and the connections are open. */
    void warmUp() {
        send("warmup", "Hello, where is my parcel?");
        producer.flush();
        await(1, false);
    }

    /** Sends {@code n} conversations; the one at {@code poisonAt} (if not -1) says POISON. */
    void produce(int n, int poisonAt) {
        for (int i = 0; i < n; i++) {
            send("r-" + i, i == poisonAt ? "POISON: the server fails this one every time"
                    : "Order " + i + " has not arrived, I want a refund");
        }
        producer.flush();
    }

    /** Reads until {@code n} conversations were classified or dead-lettered. */
    Outcome await(int n, boolean progress) {
        Set<String> classified = new HashSet<>();
        Map<String, Integer> codes = new TreeMap<>();
        int dead = 0;
        Progress bar = new Progress(n);
        long[] arrivals = new long[n];
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (classified.size() + dead < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : out.poll(Duration.ofMillis(100))) {
                int before = classified.size() + dead;
                if (r.topic().equals(kafka.topics().deadLetter())) {
                    dead++;
                    codes.merge(TriageHeaders.get(r.headers(), TriageHeaders.ERROR_CODE), 1, Integer::sum);
                } else {
                    classified.add(new String(r.key(), StandardCharsets.UTF_8));
                }
                if (classified.size() + dead > before && before < n) {
                    arrivals[before] = System.nanoTime();
                }
            }
            if (progress) {
                bar.update(classified.size() + dead);
            }
        }
        if (classified.size() + dead < n) {
            throw new IllegalStateException("only " + classified.size() + " results and " + dead + " dead letters of "
                    + n + " within " + MAX_WAIT.toMinutes() + " minutes");
        }
        int from = n / 10;
        int to = Math.max(from + 1, n * 9 / 10) - 1;
        double steady = to <= from ? Double.NaN : (to - from) / ((arrivals[to] - arrivals[from]) / 1e9);
        return new Outcome(classified.size(), dead, codes, steady);
    }

    /**
     * Offsets {@code group} committed on the conversations topic, summed: the records it is done
     * with. Read a second after the last output, as the worker commits every 200 ms.
     */
    long committed(String group) throws Exception {
        Thread.sleep(1000);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(kafka.topics().conversations()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    private void send(String id, String text) {
        ConversationEnvelope c = ConversationEnvelope.of(id, IdType.STRING, Source.BATCH, List.of(new Message("customer", text)),
                Map.of(), Instant.now());
        producer.send(new ProducerRecord<>(kafka.topics().conversations(), id.getBytes(StandardCharsets.UTF_8),
                Json.encode(c)));
    }

    @Override
    public void close() {
        producer.close();
        out.close();
    }
}
