package dev.triage.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.triage.core.json.Json;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code triage reprocess} as a user runs it, against the embedded MongoDB-wire server. */
class ReprocessCommandIT {

    private static final Instant DAY_1 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant DAY_2 = Instant.parse("2026-11-02T00:00:00Z");

    EmbeddedMongo mongo;
    MongoClient client;
    MongoCollection<Document> queries;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory(0);
        client = MongoClients.create(mongo.connectionString());
        queries = client.getDatabase("reprocess").getCollection("queries");
        queries.insertMany(List.of(
                query("failed-1", false, "failed", DAY_1).append("metadata", new Document("channel", "email")),
                query("failed-2", false, "failed", DAY_2).append("metadata", new Document("channel", "chat")),
                query("done-1", true, "classified", DAY_1),
                query("done-2", true, "classified", DAY_2),
                new Document("_id", "new").append("text", "not classified yet").append("processed", false)));
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void failedQueriesAreResetByDefaultAndTheOthersLeftAlone() {
        Instant before = Instant.now();

        CliRun run = reprocess();

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Json.tree(run.out().getBytes(StandardCharsets.UTF_8)).toString()).isEqualTo("{\"matched\":2,\"reset\":2}");
        assertThat(resetIds()).containsExactly("failed-1", "failed-2");
        Document reset = queries.find(Filters.eq("_id", "failed-1")).first();
        assertThat(reset.getBoolean("processed")).isFalse();
        assertThat(reset).doesNotContainKeys("status", "last_error");
        assertThat(reset.get("requeued_at")).isInstanceOf(Date.class);
        assertThat(reset.getDate("requeued_at").toInstant()).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(queries.find(Filters.eq("_id", "done-1")).first().getString("status")).isEqualTo("classified");
    }

    @Test
    void statusSinceAndFilterNarrowTheSelection() {
        CliRun classified = reprocess("--status", "classified", "--since", DAY_2.toString());
        assertThat(classified.out()).contains("\"matched\": 1, \"reset\": 1");
        assertThat(resetIds()).containsExactly("done-2");

        CliRun filtered = reprocess("--status", "all", "--filter", "{\"metadata.channel\": \"email\"}");
        assertThat(filtered.exit()).as(filtered.err()).isZero();
        assertThat(filtered.out()).contains("\"matched\": 1, \"reset\": 1");
        assertThat(resetIds()).containsExactly("done-2", "failed-1");
    }

    @Test
    void aDryRunCountsAndShowsIdsButChangesNothing() {
        CliRun run = reprocess("--status", "all", "--dry-run");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"matched\": 4, \"reset\": 0, \"dry_run\": true", "failed-1", "done-2");
        assertThat(resetIds()).isEmpty();
        assertThat(queries.countDocuments(Filters.eq("status", "failed"))).isEqualTo(2);
    }

    @Test
    void badUsageExitsTwoAndAMissingMongoOne() throws Exception {
        CliRun badJson = reprocess("--filter", "{metadata: ");
        CliRun notAnObject = reprocess("--filter", "[1, 2]");
        CliRun badDate = reprocess("--since", "yesterday");
        CliRun badStatus = reprocess("--status", "pending");
        CliRun refused = reprocess("--filter", "{\"$nonsense\": 1}");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliRun missing = CliRun.of("reprocess", "--mongodb-uri", "mongodb://localhost:" + closed);

        assertThat(badJson.exit()).isEqualTo(2);
        assertThat(badJson.err()).contains("--filter", "must be one JSON object");
        assertThat(notAnObject.exit()).isEqualTo(2);
        assertThat(notAnObject.err()).contains("--filter", "must be one JSON object");
        assertThat(badDate.exit()).isEqualTo(2);
        assertThat(badDate.err()).contains("--since", "ISO-8601 instant such as 2026-11-27T00:00:00Z, was 'yesterday'");
        assertThat(badStatus.exit()).isEqualTo(2);
        assertThat(badStatus.err()).contains("must be failed, classified or all, was 'pending'");
        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("MongoDB refused to reset the queries matching", "$nonsense");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot reach MongoDB at mongodb://localhost:" + closed);
        assertThat(resetIds()).isEmpty();
    }

    private CliRun reprocess(String... more) {
        String[] args = new String[more.length + 5];
        System.arraycopy(new String[] {"reprocess", "--mongodb-uri", mongo.connectionString(), "--db-name", "reprocess"},
                0, args, 0, 5);
        System.arraycopy(more, 0, args, 5, more.length);
        return CliRun.of(args);
    }

    /** Ids of the queries that carry a reset's mark, in id order. */
    private List<String> resetIds() {
        List<String> ids = new ArrayList<>();
        queries.find(Filters.exists("requeued_at")).sort(Sorts.ascending("_id")).forEach(d -> ids.add(d.getString("_id")));
        return ids;
    }

    private static Document query(String id, boolean processed, String status, Instant updatedAt) {
        return new Document("_id", id).append("text", "text of " + id).append("processed", processed)
                .append("status", status).append("updated_at", Date.from(updatedAt))
                .append("last_error", "failed".equals(status) ? new Document("code", "LLM_BAD_OUTPUT") : null);
    }
}
