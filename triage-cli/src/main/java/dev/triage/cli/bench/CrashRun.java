package dev.triage.cli.bench;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import dev.triage.cli.GroupProgress;
import dev.triage.localstack.llm.CallSummary;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LlmSimulator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.bson.Document;
import org.bson.types.ObjectId;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A crash run: the pipeline as separate processes, killed with SIGKILL at seeded random points
 * while queries are inserted and calls are with the model, then restarted; at the end, what
 * MongoDB holds is counted against what was inserted.
 *
 * <p>The processes: {@code triage local} (embedded Kafka and MongoDB on a data directory, with a
 * classifier and a sink, its relay off) and one {@code triage gateway} (the only relay),
 * {@code triage classifier} and {@code triage sink} beside it, sharing its consumer groups. A kill of
 * {@code local} takes the store and the broker away from all the others. The model is the LLM
 * simulator in this process, answering after 50-200 ms, so calls are in flight at every kill; it
 * counts the calls per conversation.
 */
final class CrashRun {

    static final List<String> TARGETS = List.of("classifier", "sink", "gateway", "local");
    private static final String MODEL = "crash";
    private static final String DB = "crash";
    private static final String CLASSIFIER_GROUP = "triage-classifier";
    private static final String CONVERSATIONS = "triage.conversations";

    /**
     * @param queries   queries inserted, at {@code rate} a second
     * @param kills     SIGKILLs, at seeded random points between 10% and 90% of the inserts
     * @param targets   which processes are killed, in a seeded order that takes each before repeating one
     * @param settle    how long to wait, after the last insert, for every query to be processed or failed
     */
    record Settings(int queries, int kills, long seed, List<String> targets, int rate, Duration settle, Path dir) {
    }

    /**
     * A kill: before which insert, of what, how many calls the model had in hand then, and how many
     * conversations the classifier group had not committed (read, in progress or done but not
     * committed: a kill of a classifier gets them again; -1 when Kafka could not say).
     */
    record Kill(int atQuery, String target, int modelCallsInFlight, long uncommitted) {

        /**
         * The model calls this kill may repeat: a classifier's uncommitted conversations, and the
         * queries a relay published since it last saved its position (at most a checkpoint
         * interval's worth, {@code RELAY_CHECKPOINT_INTERVAL} = 1 s, at the insert rate), which it
         * publishes again when its change stream is reopened: after a kill of the gateway, and of
         * {@code local}, whose MongoDB the gateway's stream reads.
         */
        long mayRepeat(int rate) {
            long classifier = target.equals("classifier") || target.equals("local") ? Math.max(0, uncommitted) : 0;
            long relay = target.equals("gateway") || target.equals("local") ? rate : 0;
            return classifier + relay;
        }
    }

    /**
     * @param lost               inserted queries neither processed nor failed at the end (must be 0)
     * @param missing            of those, queries the store no longer has at all
     * @param duplicateResults   result documents beyond one per query, counted by an aggregation grouped by query_id (must be 0)
     * @param storeDisagrees     queries whose results {@code find} by {@code query_id} (the unique index) and the aggregation count differently
     * @param duplicateCalls     model calls beyond one per conversation (allowed; bounded by what was in flight)
     */
    record Report(int queries, List<Kill> kills, int processed, int failed, int lost, int missing,
                  int processedWithoutResult, long duplicateResults, long storeDisagrees, long modelCalls,
                  long conversationsCalled, long duplicateCalls, long duplicateCallBound, int maxCallsPerConversation,
                  double elapsedS, List<String> processExits) {

        /**
         * Nothing lost or written twice, the store consistent, no process exited on its own, every
         * kill met calls in flight, and the repeated model calls within what the kills interrupted.
         */
        boolean passed() {
            return lost == 0 && duplicateResults == 0 && storeDisagrees == 0 && processedWithoutResult == 0
                    && processExits.isEmpty() && kills.stream().allMatch(k -> k.modelCallsInFlight() > 0)
                    && duplicateCalls <= duplicateCallBound;
        }

        Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("queries", queries);
            out.put("kills", kills.stream().map(k -> Map.of("at_query", k.atQuery(), "target", k.target(),
                    "model_calls_in_flight", k.modelCallsInFlight(), "uncommitted_conversations", k.uncommitted())).toList());
            out.put("processed", processed);
            out.put("failed", failed);
            out.put("lost", lost);
            out.put("missing_from_store", missing);
            out.put("processed_without_result", processedWithoutResult);
            out.put("duplicate_results", duplicateResults);
            out.put("store_disagreements", storeDisagrees);
            out.put("model_calls", modelCalls);
            out.put("conversations_called", conversationsCalled);
            out.put("duplicate_model_calls", duplicateCalls);
            out.put("duplicate_model_calls_bound", duplicateCallBound);
            out.put("max_calls_per_conversation", maxCallsPerConversation);
            out.put("model_calls_in_flight_at_kills", kills.stream().mapToInt(Kill::modelCallsInFlight).sum());
            out.put("unexpected_process_exits", processExits);
            out.put("elapsed_s", Math.round(elapsedS * 10) / 10.0);
            out.put("passed", passed());
            return out;
        }
    }

    private final Settings settings;
    private final Consumer<String> progress;

    CrashRun(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    Report run() throws Exception {
        long started = System.nanoTime();
        Random random = new Random(settings.seed());
        List<Kill> plan = plan(random);
        int kafkaPort = freePort();
        int mongoPort = freePort();
        String mongoUri = "mongodb://localhost:" + mongoPort;
        List<String> exits = new ArrayList<>();
        try (LlmSimulator sim = LlmSimulator.start(0, new Faults().latencyMs(50).jitterMs(150), List.of(MODEL),
                settings.seed())) {
            Map<String, String> common = Map.of("LLM_PROVIDER", "ollama", "LLM_API_URL", sim.url(), "LLM_MODEL", MODEL,
                    "MONGODB_DB", DB, "KAFKA_SESSION_TIMEOUT", "6s", "RELAY_LEASE_TTL", "3s", "BATCH_SIZE", "50",
                    "LOG_LEVEL", "INFO", "CACHE_MAX_ENTRIES", "0");
            Map<String, String> local = new LinkedHashMap<>(common);
            local.put("RELAY_ENABLED", "false");
            Map<String, String> beside = new LinkedHashMap<>(common);
            beside.putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + kafkaPort, "MONGODB_URI", mongoUri,
                    "GATEWAY_PORT", "0", "CLASSIFIER_METRICS_PORT", "-1", "SINK_METRICS_PORT", "-1",
                    "STATS_ENABLED", "false", "KAFKA_GROUP_INSTANCE_ID", ""));
            int gatewayPort = freePort();
            Map<String, ServiceProcess> processes = new LinkedHashMap<>();
            processes.put("local", new ServiceProcess("local", List.of("local", "--port", String.valueOf(gatewayPort),
                    "--kafka-port", String.valueOf(kafkaPort), "--mongo-port", String.valueOf(mongoPort), "--data-dir",
                    settings.dir().resolve("data").toString()), local, settings.dir()));
            for (String service : List.of("gateway", "classifier", "sink")) {
                processes.put(service, new ServiceProcess(service, List.of(service), beside, settings.dir()));
            }
            try (MongoClient client = MongoClients.create(mongoUri + "/?serverSelectionTimeoutMS=5000&connectTimeoutMS=2000")) {
                processes.get("local").start();
                awaitReady(gatewayPort, processes.get("local"));
                for (String service : List.of("gateway", "classifier", "sink")) {
                    processes.get(service).start();
                }
                MongoCollection<Document> queries = client.getDatabase(DB).getCollection("queries");
                List<Object> ids;
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaPort,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
                    ids = insertAndKill(queries, processes, plan, sim, admin);
                }
                progress.accept("inserted " + ids.size() + " queries; waiting for every one to be processed or failed");
                awaitSettled(queries, ids);
                for (ServiceProcess p : processes.values()) {
                    if (!p.alive()) {
                        exits.add(p.name() + " exited with " + p.exitCode() + " (see " + p.log() + ")");
                    }
                }
                for (ServiceProcess p : List.of(processes.get("gateway"), processes.get("classifier"),
                        processes.get("sink"))) {
                    p.close();
                }
                Report report = count(client, ids, plan, sim, exits, (System.nanoTime() - started) / 1e9);
                processes.get("local").close();
                return report;
            } finally {
                for (ServiceProcess p : processes.values()) {
                    p.close();
                }
            }
        }
    }

    /** Kill points: seeded, between 10% and 90% of the inserts; targets in shuffled rounds. */
    private List<Kill> plan(Random random) {
        List<Integer> points = new ArrayList<>();
        for (int i = 0; i < settings.kills(); i++) {
            points.add(settings.queries() / 10 + random.nextInt(Math.max(1, settings.queries() * 8 / 10)));
        }
        Collections.sort(points);
        List<String> order = new ArrayList<>();
        while (order.size() < settings.kills()) {
            List<String> round = new ArrayList<>(settings.targets());
            Collections.shuffle(round, random);
            order.addAll(round);
        }
        List<Kill> plan = new ArrayList<>();
        for (int i = 0; i < settings.kills(); i++) {
            plan.add(new Kill(points.get(i), order.get(i), 0, 0));
        }
        return plan;
    }

    /**
     * Inserts the queries at the set rate, in chunks; an insert that fails (MongoDB killed with
     * {@code local}) is retried until acknowledged, ignoring the documents the store already has.
     * Kills and restarts the planned process when the count reaches a kill point.
     */
    private List<Object> insertAndKill(MongoCollection<Document> queries, Map<String, ServiceProcess> processes,
                                       List<Kill> plan, LlmSimulator sim, Admin admin) throws Exception {
        List<Object> ids = new ArrayList<>();
        int chunk = Math.max(1, settings.rate() / 10);
        long start = System.nanoTime();
        int nextKill = 0;
        for (int i = 0; i < settings.queries(); i += chunk) {
            while (nextKill < plan.size() && plan.get(nextKill).atQuery() <= i) {
                Kill planned = plan.get(nextKill);
                int inFlight = awaitCallsInFlight(sim);
                long uncommitted = uncommitted(admin);
                ServiceProcess target = processes.get(planned.target());
                target.kill();
                target.start();
                plan.set(nextKill, new Kill(i, planned.target(), inFlight, uncommitted));
                progress.accept(String.format("kill -9 %s at query %d (%d model calls in flight, %d conversations"
                        + " uncommitted); restarted", planned.target(), i, inFlight, uncommitted));
                nextKill++;
            }
            List<Document> docs = new ArrayList<>();
            for (int j = i; j < Math.min(settings.queries(), i + chunk); j++) {
                ObjectId id = new ObjectId();
                ids.add(id);
                docs.add(new Document("_id", id).append("text", String.format(
                        "Crash run %d, order %d: my parcel has not arrived and I want my money back.", settings.seed(), j))
                        .append("processed", false));
            }
            insertUntilAcknowledged(queries, docs);
            long due = start + (long) ((i + chunk) * 1e9 / settings.rate());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        return ids;
    }

    /** Conversations published and not committed by the classifier group; -1 when Kafka cannot say. */
    private static long uncommitted(Admin admin) {
        try {
            return GroupProgress.endOffsets(admin, List.of(CONVERSATIONS))
                    - GroupProgress.committed(admin, CLASSIFIER_GROUP, List.of(CONVERSATIONS));
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Waits (up to a minute: the pipeline may still be recovering from the last kill) until the model
     * has calls in hand, so that the kill interrupts work; returns how many it has.
     */
    private static int awaitCallsInFlight(LlmSimulator sim) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        int inFlight = sim.inFlight();
        while (inFlight == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
            inFlight = sim.inFlight();
        }
        return inFlight;
    }

    private static void insertUntilAcknowledged(MongoCollection<Document> queries, List<Document> docs)
            throws InterruptedException {
        while (true) {
            try {
                queries.insertMany(docs, new InsertManyOptions().ordered(false));
                return;
            } catch (MongoBulkWriteException e) {
                if (e.getWriteErrors().stream().allMatch(w -> ErrorCategory.fromErrorCode(w.getCode())
                        == ErrorCategory.DUPLICATE_KEY)) {
                    return; // an earlier try went through for these
                }
                Thread.sleep(500);
            } catch (MongoException e) {
                Thread.sleep(500);
            }
        }
    }

    private void awaitSettled(MongoCollection<Document> queries, List<Object> ids) throws InterruptedException {
        long deadline = System.nanoTime() + settings.settle().toNanos();
        long shown = -1;
        while (System.nanoTime() < deadline) {
            try {
                long settled = countIn(queries, ids, Filters.or(Filters.eq("processed", true), Filters.eq("status", "failed")));
                if (settled == ids.size()) {
                    return;
                }
                if (settled / 1000 != shown / 1000) {
                    progress.accept(settled + " of " + ids.size() + " settled");
                    shown = settled;
                }
            } catch (MongoException e) {
                // the store is restarting
            }
            Thread.sleep(1000);
        }
        progress.accept("stopped waiting after " + settings.settle().toSeconds() + " s");
    }

    private Report count(MongoClient client, List<Object> ids, List<Kill> kills, LlmSimulator sim, List<String> exits,
                         double elapsedS) {
        MongoCollection<Document> queries = client.getDatabase(DB).getCollection("queries");
        MongoCollection<Document> results = client.getDatabase(DB).getCollection("results");
        int processed = (int) countIn(queries, ids, Filters.eq("processed", true));
        int failed = (int) countIn(queries, ids, Filters.and(Filters.ne("processed", true), Filters.eq("status", "failed")));
        int present = (int) countIn(queries, ids, new Document());
        Set<Object> withResult = new HashSet<>();
        long duplicates = 0;
        long disagreements = 0;
        for (Document group : results.aggregate(List.of(Aggregates.group("$query_id", Accumulators.sum("n", 1))))) {
            withResult.add(group.get("_id"));
            duplicates += group.getInteger("n") - 1;
            // the aggregation reads the documents, find by query_id the unique index: a store whose index
            // lost an entry (the embedded one before it was made crash-consistent) shows here
            int found = results.find(Filters.eq("query_id", group.get("_id"))).into(new ArrayList<>()).size();
            disagreements += found == group.getInteger("n") ? 0 : 1;
        }
        Set<Object> processedIds = new HashSet<>();
        for (List<Object> slice : slices(ids)) {
            queries.find(Filters.and(Filters.in("_id", slice), Filters.eq("processed", true)))
                    .projection(Projections.include("_id")).forEach(q -> processedIds.add(q.get("_id")));
        }
        processedIds.removeAll(withResult);
        CallSummary calls = sim.calls(0);
        return new Report(ids.size(), kills, processed, failed, ids.size() - processed - failed, ids.size() - present,
                processedIds.size(), duplicates, disagreements, calls.calls(), calls.conversations(),
                calls.calls() - calls.conversations(), kills.stream().mapToLong(k -> k.mayRepeat(settings.rate())).sum(),
                calls.maxCalls(), elapsedS, exits);
    }

    private static long countIn(MongoCollection<Document> queries, List<Object> ids, org.bson.conversions.Bson filter) {
        long n = 0;
        for (List<Object> slice : slices(ids)) {
            n += queries.countDocuments(Filters.and(Filters.in("_id", slice), filter));
        }
        return n;
    }

    private static List<List<Object>> slices(List<Object> ids) {
        List<List<Object>> slices = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 1000) {
            slices.add(ids.subList(i, Math.min(ids.size(), i + 1000)));
        }
        return slices;
    }

    private static void awaitReady(int gatewayPort, ServiceProcess local) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!local.alive()) {
                throw new IllegalStateException("triage local exited with " + local.exitCode() + "; see " + local.log());
            }
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gatewayPort
                        + "/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("triage local did not become ready within 2 minutes; see " + local.log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
