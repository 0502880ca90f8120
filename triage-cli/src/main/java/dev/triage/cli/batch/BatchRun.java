package dev.triage.cli.batch;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.classifier.ClassifierConfig;
import dev.triage.classifier.ClassifierService;
import dev.triage.cli.Progress;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.lifecycle.Resources;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.QueryDocuments;
import dev.triage.core.mongo.QueryIds;
import dev.triage.sink.SinkConfig;
import dev.triage.sink.SinkService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch run: the classifier and the sink started in this process, every given query published
 * to the conversations topic, and the outcome of each followed on the classifications and
 * dead-letter topics (read from where they ended before publishing). The run ends when every
 * query has an outcome and the sink has written it: classified ones processed, dead-lettered ones failed.
 */
final class BatchRun {

    /** The original batch processor's statistics. */
    record Stats(int documentsProcessed, int successful, int failed, double durationS) {
        static Stats none() {
            return new Stats(0, 0, 0, 0);
        }

        String toJson() {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("documents_processed", documentsProcessed);
            out.put("successful", successful);
            out.put("failed", failed);
            out.put("duration_s", Math.round(durationS * 100) / 100.0);
            out.put("throughput_per_s", durationS == 0 ? 0 : Math.round(documentsProcessed / durationS * 10) / 10.0);
            return Json.encodeToString(out);
        }
    }

    private final Env env;
    private final MongoCollection<Document> queries;

    BatchRun(Env env, MongoCollection<Document> queries) {
        // a batch is a passing process: the statistics and metrics servers are left to the long-running services,
        // and it joins their groups as a dynamic member (a static name shared with one of them would fence it)
        this.env = env.with(Map.of("STATS_ENABLED", "false", "CLASSIFIER_METRICS_PORT", "-1", "SINK_METRICS_PORT", "-1",
                "KAFKA_GROUP_INSTANCE_ID", ""));
        this.queries = queries;
    }

    Stats run(List<Document> unprocessed, Duration timeout) throws Exception {
        long started = System.nanoTime();
        long startedAt = System.currentTimeMillis();
        KafkaSettings kafka = KafkaSettings.fromEnv(env);
        TopicAdmin.ensureTopics(kafka, kafka.topics().all(), Duration.ofSeconds(60));
        Map<String, Boolean> outcomes = new HashMap<>();
        try (Resources opened = new Resources()) {
            opened.add(SinkService.start(SinkConfig.fromEnv(env)));
            opened.add(ClassifierService.start(ClassifierConfig.fromEnv(env)));
            KafkaConsumer<byte[], byte[]> watch = opened.add(KafkaClients.consumer(kafka, null, "triage-batch-watch", 1000));
            KafkaClients.assignAtEnd(watch, List.of(kafka.topics().classifications(), kafka.topics().deadLetter()),
                    Duration.ofSeconds(30));
            Map<String, Object> ids = publish(kafka, unprocessed, opened);
            System.err.printf("classifying %d unprocessed queries%n", ids.size());
            follow(watch, ids, outcomes, kafka.topics().classifications(), timeout);
            awaitSink(ids, outcomes, Instant.ofEpochMilli(startedAt), timeout);
        }
        int successful = (int) outcomes.values().stream().filter(ok -> ok).count();
        return new Stats(unprocessed.size(), successful, unprocessed.size() - successful,
                (System.nanoTime() - started) / 1e9);
    }

    private Map<String, Object> publish(KafkaSettings kafka, List<Document> unprocessed, Resources opened) {
        KafkaProducer<byte[], byte[]> producer = opened.add(KafkaClients.producer(kafka, "triage-batch"));
        Map<String, Object> ids = new HashMap<>();
        Instant now = Instant.now();
        for (Document query : unprocessed) {
            ConversationEnvelope c = QueryDocuments.toConversation(query, Source.BATCH, now);
            ids.put(c.id(), QueryIds.toBson(c.id(), c.idType()));
            producer.send(new ProducerRecord<>(kafka.topics().conversations(), c.id().getBytes(StandardCharsets.UTF_8),
                    Json.encode(c)));
        }
        producer.flush();
        return ids;
    }

    /** Reads outcomes until every id has one: true when classified, false when dead-lettered. */
    private static void follow(KafkaConsumer<byte[], byte[]> watch, Map<String, Object> ids, Map<String, Boolean> outcomes,
                               String classifications, Duration timeout) {
        Progress bar = new Progress(ids.size());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outcomes.size() < ids.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : watch.poll(Duration.ofMillis(200))) {
                String id = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                if (id != null && ids.containsKey(id)) {
                    boolean classified = record.topic().equals(classifications);
                    outcomes.merge(id, classified, Boolean::logicalOr);
                }
            }
            bar.update(outcomes.size());
        }
    }

    /**
     * Waits until the sink has marked every classified query processed and every dead-lettered one
     * failed: the sink stops with this run, and what it has not written by then stays unwritten.
     */
    private void awaitSink(Map<String, Object> ids, Map<String, Boolean> outcomes, Instant runStarted, Duration timeout)
            throws InterruptedException {
        List<Object> classified = idsWithOutcome(ids, outcomes, true);
        List<Object> failed = idsWithOutcome(ids, outcomes, false);
        // a query that failed in an earlier run is marked already: only this run's mark counts
        Bson markedFailed = Filters.and(Filters.eq("status", "failed"), Filters.gte("updated_at", Date.from(runStarted)));
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Duration.ofMinutes(5).toNanos());
        while (System.nanoTime() < deadline && (count(classified, Filters.eq("processed", true)) < classified.size()
                || count(failed, markedFailed) < failed.size())) {
            Thread.sleep(250);
        }
    }

    private static List<Object> idsWithOutcome(Map<String, Object> ids, Map<String, Boolean> outcomes, boolean classified) {
        return outcomes.entrySet().stream().filter(e -> e.getValue() == classified).map(e -> ids.get(e.getKey())).toList();
    }

    /** How many of the queries {@code ids} match {@code filter}, asked in slices of 1000 ids. */
    private long count(List<Object> ids, Bson filter) {
        long matched = 0;
        for (int i = 0; i < ids.size(); i += 1000) {
            matched += queries.countDocuments(Filters.and(Filters.in("_id", ids.subList(i, Math.min(ids.size(), i + 1000))),
                    filter));
        }
        return matched;
    }
}
