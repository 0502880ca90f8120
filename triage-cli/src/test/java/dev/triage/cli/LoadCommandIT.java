package dev.triage.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code triage load} as a user runs it, against a real MongoDB-wire server. */
class LoadCommandIT {

    @TempDir
    Path dir;
    EmbeddedMongo mongo;
    MongoClient client;
    MongoCollection<Document> queries;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory(0);
        client = MongoClients.create(mongo.connectionString());
        queries = client.getDatabase("load").getCollection("queries");
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    private CliRun load(Path file) {
        return CliRun.of("load", file.toString(), "--mongodb-uri", mongo.connectionString(), "--db-name", "load");
    }

    @Test
    void aJsonArrayIsImportedAndItsBadEntriesAreReportedWithWhy() throws Exception {
        String oid = new ObjectId().toHexString();
        Path file = write("queries.json", """
                [
                  {"text": "Where is my order?", "metadata": {"channel": "email"}},
                  {"_id": {"$oid": "%s"}, "messages": [{"sender": "customer", "text": "Refund please"}]},
                  {"_id": "ticket-1", "text": "Card declined", "processed": true},
                  {"text": ""},
                  {"metadata": {"x": 1}},
                  {"text": "ok", "metadata": "not an object"},
                  {"messages": [{"sender": "customer"}]},
                  42
                ]""".formatted(oid));

        CliRun run = load(file);

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("imported 3 queries into load.queries; rejected 5",
                "item 4: text must be a non-empty string", "item 5: needs a text or messages field",
                "item 6: metadata must be an object", "item 7: messages[0] must be an object with a non-empty text",
                "item 8: must be a JSON object, was number");
        assertThat(queries.countDocuments(Filters.eq("processed", false))).isEqualTo(3);
        assertThat(queries.find(Filters.eq("_id", new ObjectId(oid))).first()).isNotNull();
        assertThat(queries.find(Filters.eq("_id", "ticket-1")).first().getString("text")).isEqualTo("Card declined");
    }

    @Test
    void jsonLinesAndDuplicateIdsAreReportedLineByLine() throws Exception {
        Path file = write("queries.jsonl", """
                {"_id": "a", "text": "one"}
                {"_id": "a", "text": "same id again"}

                {not json
                {"text": "two"}
                """);

        CliRun run = load(file);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("imported 2 queries", "rejected 2", "line 4: not valid JSON",
                "line 2: not inserted: an entry with this _id already exists");
        assertThat(queries.countDocuments()).isEqualTo(2);
    }

    @Test
    void csvWithATextColumnKeepsTheOtherColumnsAsMetadata() throws Exception {
        Path file = write("queries.csv", "text,category\n\"How do I locate my card?\",card_arrival\n,empty\nMy PIN is blocked,pin\n");

        CliRun run = load(file);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("imported 2 queries", "line 3: text must be a non-empty string");
        Document card = queries.find(Filters.eq("text", "How do I locate my card?")).first();
        assertThat(card.get("metadata", Document.class).getString("category")).isEqualTo("card_arrival");
    }

    @Test
    void filesThatCannotBeUsedImportNothing() throws Exception {
        CliRun noText = load(write("bad.csv", "question,category\nhello,x\n"));
        CliRun brokenArray = load(write("bad.json", "[{\"text\": \"a\"}, {\"text\": "));
        CliRun missing = load(dir.resolve("nope.json"));

        assertThat(noText.exit()).isEqualTo(2);
        assertThat(noText.err()).contains("no 'text' column", "nothing imported");
        assertThat(brokenArray.exit()).isEqualTo(2);
        assertThat(brokenArray.err()).contains("not a valid JSON array");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
        assertThat(queries.countDocuments()).isZero();
    }

    @Test
    void aMissingMongoIsAClearErrorAndNothingIsWritten() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path file = write("q.json", "[{\"text\": \"hello\"}]");

        CliRun run = CliRun.of("load", file.toString(), "--mongodb-uri", "mongodb://user:secret@localhost:" + closedPort);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("cannot reach MongoDB at mongodb://user:****@localhost:" + closedPort, "nothing imported")
                .doesNotContain("secret");
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
