package dev.triage.cli.batch;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import dev.triage.classifier.ClassifierConfig;
import dev.triage.classifier.ClassifierService;
import dev.triage.cli.GroupProgress;
import dev.triage.cli.Progress;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.core.lifecycle.Resources;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Source;
import dev.triage.core.mongo.QueryDocuments;
import dev.triage.core.mongo.QueryIds;
import dev.triage.sink.SinkConfig;
import dev.triage.sink.SinkService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One batch run, isolated from any pipeline running on the same Kafka: the classifier and the sink
 * are started in this process on topics and consumer groups of the run's own (the configured names
 * with {@code .<run id>} appended), so no other classifier or sink can take its records, and its
 * results go to the database it was given and nowhere else. Every query is published, and the run
 * waits until the classifier has committed every conversation and the sink every outcome (both
 * groups' offsets at the end of their topics): then MongoDB holds everything. The statistics are
 * counted there, not on Kafka. The run's topics and groups are deleted at the end; a query left
 * unsettled (the run stopped waiting) is still unprocessed in MongoDB, and the next run takes it.
 */
final class BatchRun {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRun.class);
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int ID_SLICE = 1000;

    /**
     * The original batch processor's statistics, counted in MongoDB at the end of the run.
     *
     * @param successful queries of this run marked processed, with their result stored
     * @param failed     queries of this run marked failed (the reason is in their {@code last_error})
     * @param unsettled  neither, because the run stopped waiting
     */
    record Stats(String runId, int documentsProcessed, int successful, int failed, int unsettled, double durationS) {
        static Stats none() {
            return new Stats(null, 0, 0, 0, 0, 0);
        }

        String toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("documents_processed", documentsProcessed);
            out.put("successful", successful);
            out.put("failed", failed);
            if (unsettled > 0) {
                out.put("unsettled", unsettled);
            }
            out.put("duration_s", Math.round(durationS * 100) / 100.0);
            out.put("throughput_per_s", durationS == 0 ? 0 : threeDigits((successful + failed) / durationS));
            if (runId != null) {
                out.put("run_id", runId);
            }
            return Json.encodeToString(out);
        }

        /** Three significant digits: a slow run of a few queries is 0.0333/s, not 0.0. */
        private static double threeDigits(double value) {
            return BigDecimal.valueOf(value).round(new MathContext(3)).doubleValue();
        }
    }

    private final String runId;
    private final Env env;
    private final KafkaSettings kafka;
    private final ClassifierConfig classifier;
    private final SinkConfig sink;
    private final MongoCollection<Document> queries;
    private final MongoCollection<Document> results;
    private int published;

    BatchRun(Env env, MongoCollection<Document> queries, MongoCollection<Document> results) {
        this.runId = "batch-" + RUN_TIME.format(Instant.now()) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        Topics base = KafkaSettings.fromEnv(env).topics();
        ClassifierConfig baseClassifier = ClassifierConfig.fromEnv(env);
        SinkConfig baseSink = SinkConfig.fromEnv(env);
        Map<String, String> own = new HashMap<>();
        own.put("TOPIC_CONVERSATIONS", base.conversations() + "." + runId);
        own.put("TOPIC_CLASSIFICATIONS", base.classifications() + "." + runId);
        own.put("TOPIC_DEAD_LETTER", base.deadLetter() + "." + runId);
        own.put("TOPIC_STATS", base.stats() + "." + runId);
        own.put("CLASSIFIER_GROUP_ID", baseClassifier.groupId() + "." + runId);
        own.put("SINK_GROUP_ID", baseSink.groupId() + "." + runId);
        // a passing process: no statistics stream, no metrics servers, and dynamic group members
        own.put("STATS_ENABLED", "false");
        own.put("CLASSIFIER_METRICS_PORT", "-1");
        own.put("SINK_METRICS_PORT", "-1");
        own.put("KAFKA_GROUP_INSTANCE_ID", "");
        this.env = env.with(own);
        this.kafka = KafkaSettings.fromEnv(this.env);
        this.classifier = ClassifierConfig.fromEnv(this.env);
        this.sink = SinkConfig.fromEnv(this.env);
        this.queries = queries;
        this.results = results;
    }

    String runId() {
        return runId;
    }

    Stats run(List<Document> unprocessed, Duration timeout) throws Exception {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        List<String> topics = kafka.topics().all();
        LOG.debug("run {}: topics {}, groups {} and {}", runId, topics, classifier.groupId(), sink.groupId());
        TopicAdmin.ensureTopics(kafka, topics, Duration.ofSeconds(60));
        List<Object> ids;
        boolean settled;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            try (Resources opened = new Resources()) {
                opened.add(SinkService.start(sink));
                opened.add(ClassifierService.start(classifier));
                LOG.debug("run {}: classifier and sink started", runId);
                ids = publish(unprocessed, opened);
                System.err.printf("classifying %d unprocessed queries (run %s)%n", ids.size(), runId);
                settled = awaitCommitted(admin, published, deadline);
                LOG.debug("run {}: {}; stopping the classifier and the sink", runId,
                        settled ? "every outcome is written" : "stopped waiting");
            } finally {
                deleteRunTopicsAndGroups(admin, topics);
            }
        }
        int successful = countSuccessful(ids);
        int failed = count(ids, Filters.and(Filters.eq("status", "failed"), Filters.ne("processed", true)));
        Stats stats = new Stats(runId, ids.size(), successful, failed, ids.size() - successful - failed,
                (System.nanoTime() - started) / 1e9);
        LOG.debug("run {}: counted in MongoDB: {} classified, {} failed, {} unsettled", runId, successful, failed,
                stats.unsettled());
        if (!settled) {
            System.err.printf("triage: stopped waiting after %d s (--timeout) with %d of %d queries unsettled; "
                    + "they stay unprocessed, and the next run takes them%n", timeout.toSeconds(), stats.unsettled(), ids.size());
        }
        return stats;
    }

    /** Publishes every query to the run's conversations topic; returns their {@code _id}s as stored. */
    private List<Object> publish(List<Document> unprocessed, Resources opened) throws InterruptedException {
        KafkaProducer<byte[], byte[]> producer = opened.add(KafkaClients.producer(kafka, runId));
        List<Object> ids = new ArrayList<>();
        Map<Object, Future<RecordMetadata>> sends = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (Document query : unprocessed) {
            ConversationEnvelope c;
            try {
                c = QueryDocuments.toConversation(query, Source.BATCH, now);
            } catch (QueryIds.UnsupportedIdException e) {
                ids.add(query.get("_id"));
                markFailed(query.get("_id"), e.getMessage());
                continue;
            }
            ids.add(QueryIds.toBson(c.id(), c.idType()));
            sends.put(query.get("_id"), producer.send(new ProducerRecord<>(kafka.topics().conversations(),
                    c.id().getBytes(StandardCharsets.UTF_8), Json.encode(c))));
        }
        producer.flush();
        for (Map.Entry<Object, Future<RecordMetadata>> send : sends.entrySet()) {
            try {
                send.getValue().get();
                published++;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RecordTooLargeException || e.getCause() instanceof InvalidRecordException)) {
                    throw new IllegalStateException("cannot publish to Kafka at " + kafka.bootstrapServers() + ": "
                            + e.getCause(), e.getCause());
                }
                markFailed(send.getKey(), "Kafka refused it: " + e.getCause().getMessage());
            }
        }
        LOG.debug("run {}: published {} conversations to {}", runId, published, kafka.topics().conversations());
        return ids;
    }

    /** A query that cannot travel through Kafka (its id, its size) fails here, with the reason. */
    private void markFailed(Object id, String reason) {
        queries.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("status", "failed"),
                Updates.set("last_error", "INVALID_PAYLOAD: " + reason), Updates.currentDate("updated_at")));
        LOG.error("run {}: query {} marked failed: {}", runId, id, reason);
    }

    /**
     * Waits until the classifier group has committed every published conversation, then until the
     * sink group has committed every record the classifier wrote (a group commits a record only once
     * its output is acknowledged: results and dead letters in Kafka, writes in MongoDB). Returns
     * false when the deadline came first.
     */
    private boolean awaitCommitted(Admin admin, int published, long deadline) throws InterruptedException {
        Progress bar = new Progress(published);
        List<String> outcomes = List.of(kafka.topics().classifications(), kafka.topics().deadLetter());
        long classified = -1;
        while (System.nanoTime() < deadline) {
            try {
                long now = GroupProgress.committed(admin, classifier.groupId(), List.of(kafka.topics().conversations()));
                bar.update(now);
                if (now != classified) {
                    LOG.debug("run {}: classifier committed {} of {}", runId, now, published);
                    classified = now;
                }
                if (now >= published) {
                    long written = GroupProgress.committed(admin, sink.groupId(), outcomes);
                    long ends = GroupProgress.endOffsets(admin, outcomes);
                    LOG.debug("run {}: sink committed {} of {} outcomes", runId, written, ends);
                    if (written >= ends) {
                        return true;
                    }
                }
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("run {}: cannot read the groups' progress yet: {}", runId, e.toString());
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** The run's topics and groups are its own: nothing else reads them once it ends. */
    private void deleteRunTopicsAndGroups(Admin admin, List<String> topics) {
        try {
            admin.deleteConsumerGroups(List.of(classifier.groupId(), sink.groupId())).all().get(30, TimeUnit.SECONDS);
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            LOG.debug("run {}: deleted its topics and consumer groups", runId);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("run {}: cannot delete its topics {} and groups ({}); delete them by hand: {}", runId, topics,
                    List.of(classifier.groupId(), sink.groupId()), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queries marked processed whose result is in {@code results}. */
    private int countSuccessful(List<Object> ids) {
        List<Object> processed = new ArrayList<>();
        for (List<Object> slice : slices(ids)) {
            queries.find(Filters.and(Filters.in("_id", slice), Filters.eq("processed", true)))
                    .projection(Projections.include("_id")).forEach(q -> processed.add(q.get("_id")));
        }
        long stored = 0;
        for (List<Object> slice : slices(processed)) {
            stored += results.countDocuments(Filters.and(Filters.in("query_id", slice), Filters.exists("classification")));
        }
        return (int) stored;
    }

    private int count(List<Object> ids, Bson filter) {
        long matched = 0;
        for (List<Object> slice : slices(ids)) {
            matched += queries.countDocuments(Filters.and(Filters.in("_id", slice), filter));
        }
        return (int) matched;
    }

    private static List<List<Object>> slices(List<Object> ids) {
        List<List<Object>> slices = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += ID_SLICE) {
            slices.add(ids.subList(i, Math.min(ids.size(), i + ID_SLICE)));
        }
        return slices;
    }
}
