package dev.triage.sink.write;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.model.StatCount;
import dev.triage.core.mongo.Publishers;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The stats collection on a real MongoDB-wire server: the latest count per key, and no label left at 0. */
class StatsWriterIT {

    private static final Instant HOUR = Instant.parse("2026-11-27T10:00:00Z");

    EmbeddedMongo mongo;
    MongoClient client;
    MongoCollection<Document> stats;
    StatsWriter writer;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory(0);
        client = MongoClients.create(mongo.connectionString());
        stats = client.getDatabase("stats_writer_it").getCollection("stats");
        writer = new StatsWriter(stats);
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void keepsTheLatestCountOfEachLabelAndRemovesALabelThatFellToZero() throws Exception {
        write(count("intent", "refund_request", 1), count("intent", "refund_request", 2), count("topic", "billing", 2));
        write(count("intent", "refund_request", 1), count("intent", "cancellation", 1)); // one classified again
        write(count("intent", "refund_request", 0), count("intent", "cancellation", 2));
        write(count("intent", "refund_request", 0), count("intent", "cancellation", 2)); // redelivered

        assertThat(counts()).isEqualTo(Map.of("intent|cancellation", 2L, "topic|billing", 2L));
    }

    private void write(StatCount... counts) throws Exception {
        writer.write(List.of(counts)).get(10, TimeUnit.SECONDS);
    }

    private static StatCount count(String dimension, String label, long n) {
        return new StatCount("1h", HOUR, HOUR.plusSeconds(3600), dimension, label, n);
    }

    /** Count per {@code dimension|label}; a key written as two documents would fail the collector. */
    private Map<String, Long> counts() throws Exception {
        List<Document> docs = Publishers.all(stats.find()).get(10, TimeUnit.SECONDS);
        return docs.stream().collect(Collectors.toMap(d -> d.getString("dimension") + "|" + d.getString("label"),
                d -> ((Number) d.get("count")).longValue()));
    }
}
