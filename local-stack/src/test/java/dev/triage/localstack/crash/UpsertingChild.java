package dev.triage.localstack.crash;

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

import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link EmbeddedMongoCrashIT} kills: a file-backed {@link EmbeddedMongo} and a
 * driver in one JVM, like {@code triage local}, upserting new {@code query_id}s as fast as it can
 * (the sink's write) with {@value #IN_FLIGHT} writes in flight. It prints {@code READY} once
 * writing starts and {@code ACK <query_id>} for each write the server acknowledged, then runs
 * until it is killed.
 *
 * <p>Arguments: the data directory and the prefix of this run's query ids.
 */
public final class UpsertingChild {

    static final String DB = "crash";
    static final String COLLECTION = "results";
    private static final int IN_FLIGHT = 16;
    /** Large enough that the store's unsaved memory fills, and it commits, every few dozen writes. */
    private static final String PAYLOAD = "x".repeat(4096);

    private UpsertingChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        String prefix = args[1];
        EmbeddedMongo mongo = EmbeddedMongo.inDirectory(dataDir, 0);
        MongoClient client = MongoClients.create(mongo.connectionString());
        MongoCollection<Document> results = client.getDatabase(DB).getCollection(COLLECTION);
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicLong next = new AtomicLong();
        // the index the sink relies on; also opens the connection, so that the kill falls among writes
        Publishers.first(results.createIndex(Indexes.ascending("query_id"), new IndexOptions().unique(true)))
                .get(30, TimeUnit.SECONDS);
        System.out.println("READY");
        System.out.flush();
        while (true) {
            slots.acquire();
            String queryId = prefix + next.getAndIncrement();
            Publishers.first(results.updateOne(Filters.eq("query_id", queryId),
                            Updates.combine(Updates.set("payload", PAYLOAD), Updates.set("status", "classified")),
                            new UpdateOptions().upsert(true)))
                    .whenComplete((result, failure) -> {
                        slots.release();
                        if (failure == null) {
                            System.out.println("ACK " + queryId);
                        } else {
                            System.out.println("FAILED " + queryId + " " + failure);
                        }
                    });
        }
    }
}
