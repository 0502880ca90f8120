package dev.triage.localstack.crash;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.mongo.Publishers;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a JVM that upserts into a file-backed {@link EmbeddedMongo} with SIGKILL at seeded random
 * moments, reopens the file and checks that the store is consistent: every document is found
 * through the unique index on {@code query_id}, an aggregation grouped by {@code query_id} counts
 * one document per id (also after every id is upserted once more, as a redelivered sink write
 * would), and every write the server acknowledged before the kill is there.
 */
class EmbeddedMongoCrashIT {

    private static final long SEED = 20240611L;
    private static final int KILLS = 4;

    @TempDir
    Path dir;

    @Test
    void storeIsConsistentAndKeepsAcknowledgedWritesAfterKill9() throws Exception {
        Path data = dir.resolve("mongo");
        withCollection(data, results -> Publishers.first(results.createIndex(Indexes.ascending("query_id"),
                new IndexOptions().unique(true))).get(10, TimeUnit.SECONDS));
        Random random = new Random(SEED);
        for (int kill = 0; kill < KILLS; kill++) {
            String prefix = "k" + kill + "-";
            Set<String> acknowledged = runAndKill(data, prefix, 1000 + random.nextInt(2000));
            assertThat(acknowledged).as("writes acknowledged before kill %d", kill).isNotEmpty();
            withCollection(data, results -> checkConsistent(results, prefix, acknowledged));
        }
    }

    /** Starts the child, kills it {@code killAfterMs} after it is ready, returns the ids it saw acknowledged. */
    private Set<String> runAndKill(Path data, String prefix, long killAfterMs) throws Exception {
        Path stderr = dir.resolve(prefix + "stderr.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), UpsertingChild.class.getName(), data.toString(), prefix)
                .redirectError(stderr.toFile())
                .start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> readAcknowledgements(child, ready, acknowledged), "child-stdout");
        reader.start();
        try {
            assertThat(ready.await(60, TimeUnit.SECONDS))
                    .as("child ready (its stderr: %s)", stderr).isTrue();
            assertThat(child.waitFor(killAfterMs, TimeUnit.MILLISECONDS))
                    .as("child still writing when killed (its stderr: %s)", stderr).isFalse();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child gone after SIGKILL").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        return Set.copyOf(acknowledged);
    }

    private static void readAcknowledgements(Process child, CountDownLatch ready, Set<String> acknowledged) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.equals("READY")) {
                    ready.countDown();
                } else if (line.startsWith("ACK ")) {
                    acknowledged.add(line.substring(4));
                }
            }
        } catch (IOException e) {
            // the pipe breaks when the child is killed: what was read until then is what counts
        }
    }

    private static void checkConsistent(MongoCollection<Document> results, String prefix, Set<String> acknowledged)
            throws Exception {
        Map<String, Integer> perId = countPerQueryId(results, prefix);
        assertThat(perId).as("documents per query_id").allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));

        // an aggregation reads the documents themselves; a find with a regex on query_id would read the index
        List<Document> documents = Publishers.all(results.aggregate(List.of(Aggregates.match(Filters.regex("query_id", "^" + prefix)))))
                .get(30, TimeUnit.SECONDS);
        List<CompletableFuture<List<Document>>> byIndex = new ArrayList<>();
        for (Document document : documents) {
            byIndex.add(Publishers.all(results.find(Filters.eq("query_id", document.getString("query_id")))));
        }
        for (int i = 0; i < documents.size(); i++) {
            Document document = documents.get(i);
            assertThat(byIndex.get(i).get(30, TimeUnit.SECONDS)).as("found through the index: %s", document.getString("query_id"))
                    .extracting(d -> d.get("_id")).containsExactly(document.get("_id"));
        }

        List<CompletableFuture<?>> redelivered = new ArrayList<>();
        for (String id : perId.keySet()) {
            redelivered.add(Publishers.first(results.updateOne(Filters.eq("query_id", id), Updates.set("status", "again"),
                    new UpdateOptions().upsert(true))));
        }
        CompletableFuture.allOf(redelivered.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(countPerQueryId(results, prefix)).as("documents per query_id after upserting each once more")
                .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        assertThat(perId.keySet()).as("acknowledged writes still there").containsAll(acknowledged);
    }

    private static Map<String, Integer> countPerQueryId(MongoCollection<Document> results, String prefix) throws Exception {
        List<Document> groups = Publishers.all(results.aggregate(List.of(
                Aggregates.match(Filters.regex("query_id", "^" + prefix)),
                Aggregates.group("$query_id", Accumulators.sum("n", 1))))).get(30, TimeUnit.SECONDS);
        Map<String, Integer> perId = new HashMap<>();
        groups.forEach(group -> perId.put(group.getString("_id"), group.getInteger("n")));
        return perId;
    }

    private interface CollectionCheck {
        void run(MongoCollection<Document> results) throws Exception;
    }

    private static void withCollection(Path data, CollectionCheck check) throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(data, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            check.run(client.getDatabase(UpsertingChild.DB).getCollection(UpsertingChild.COLLECTION));
        }
    }
}
