package dev.triage.localstack;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A store file that is mostly free space is given back to the disk when the server closes, with every document kept. */
class StoreCompactionIT {

    @TempDir
    Path dir;

    @Test
    void aFileOfMostlyReplacedDocumentsShrinksOnCloseAndKeepsTheLatestOfEach() throws Exception {
        Path file = dir.resolve("mongo.mv");
        long whileOpen;
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(dir, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> docs = client.getDatabase("db").getCollection("docs");
            docs.insertMany(IntStream.range(0, 1000).mapToObj(i -> new Document("_id", i).append("round", 0)
                    .append("text", "x".repeat(2000))).toList());
            for (int round = 1; round <= 8; round++) { // each round replaces every page: the old ones are garbage
                for (int i = 0; i < 1000; i += 10) {
                    docs.updateMany(Filters.and(Filters.gte("_id", i), Filters.lt("_id", i + 10)), Updates.set("round", round));
                }
            }
            whileOpen = Files.size(file);
        }
        long closed = Files.size(file);

        assertThat(closed).as("compacted on close: %d bytes while open", whileOpen).isLessThan(whileOpen / 2);
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(dir, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> docs = client.getDatabase("db").getCollection("docs");
            assertThat(docs.countDocuments()).isEqualTo(1000);
            assertThat(docs.countDocuments(Filters.eq("round", 8))).isEqualTo(1000);
            assertThat(docs.find(Filters.eq("_id", 999)).first().getString("text")).hasSize(2000);
        }
    }
}
