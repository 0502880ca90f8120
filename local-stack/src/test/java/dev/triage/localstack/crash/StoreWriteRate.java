package dev.triage.localstack.crash;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import dev.triage.core.mongo.Publishers;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Prints the upsert rate of a file-backed {@link EmbeddedMongo} against mongo-java-server's stock
 * H2 backend on a file: single upserts with 16 in flight, and bulk writes of 100 upserts (the
 * sink's shape). Run by hand: {@code java -cp <test classpath> dev.triage.localstack.crash.StoreWriteRate [writes [rounds]]}.
 */
public final class StoreWriteRate {

    private static final String PAYLOAD = "x".repeat(300);

    private StoreWriteRate() {
    }

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        for (int round = 0; round < rounds; round++) {
            Path stock = Files.createTempDirectory("stock").resolve("mongo.mv");
            H2Backend backend = new H2Backend(stock.toString());
            MongoServer server = new MongoServer(backend);
            server.enableOplog();
            String stockUri = "mongodb://localhost:" + server.bind().getPort();
            report("stock H2Backend", stockUri, writes);
            server.shutdownNow();
            backend.close();
            try (EmbeddedMongo durable = EmbeddedMongo.inDirectory(Files.createTempDirectory("durable"), 0)) {
                report("EmbeddedMongo  ", durable.connectionString(), writes);
            }
        }
    }

    private static void report(String name, String uri, int writes) throws Exception {
        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> results = client.getDatabase("rate").getCollection("results");
            Publishers.first(results.createIndex(new Document("query_id", 1),
                    new com.mongodb.client.model.IndexOptions().unique(true))).get(10, TimeUnit.SECONDS);
            long start = System.nanoTime();
            Semaphore slots = new Semaphore(16);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                slots.acquire();
                pending.add(Publishers.first(results.updateOne(Filters.eq("query_id", "s" + i), Updates.set("payload", PAYLOAD),
                        new UpdateOptions().upsert(true))).whenComplete((r, e) -> slots.release()));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            double single = writes / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            for (int i = 0; i < writes; i += 100) {
                List<UpdateOneModel<Document>> batch = new ArrayList<>();
                for (int j = i; j < i + 100; j++) {
                    batch.add(new UpdateOneModel<>(Filters.eq("query_id", "b" + j), Updates.set("payload", PAYLOAD),
                            new UpdateOptions().upsert(true)));
                }
                Publishers.first(results.bulkWrite(batch)).get(1, TimeUnit.MINUTES);
            }
            double bulk = writes / ((System.nanoTime() - start) / 1e9);
            System.out.printf("%s  single upserts (16 in flight): %6.0f/s   bulk writes of 100: %6.0f/s%n", name, single, bulk);
        }
    }
}
