package dev.triage.gateway.relay;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.triage.localstack.EmbeddedMongo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leader on a real MongoDB-wire server, with a relay that dies: its producer is closed, so the
 * first send throws (not a MongoDB failure, which the relay would wait out itself).
 */
class RelayLeaderIT {

    @Test
    void aRelayThatKeepsDyingIsRestartedThenGivenUpWithTheLease() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0); MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("l").getCollection("queries");
            queries.insertOne(new Document("_id", "q-1").append("text", "refund please").append("processed", false));
            RelayState state = new RelayState(client.getDatabase("l").getCollection("pipeline_state"), "l.queries");
            KafkaProducer<byte[], byte[]> closed = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    "localhost:9"), new ByteArraySerializer(), new ByteArraySerializer());
            closed.close();
            QueryPublisher publisher = new QueryPublisher(closed, "t", Clock.systemUTC());
            AtomicInteger starts = new AtomicInteger();
            ChangeStreamRelay.Settings settings = new ChangeStreamRelay.Settings(Duration.ofMillis(50), 1000, Duration.ofMillis(200));

            try (RelayLeader leader = RelayLeader.start(state, "a", Duration.ofMillis(600), lease -> {
                starts.incrementAndGet();
                return ChangeStreamRelay.start(queries, publisher, state, lease, settings);
            })) {
                await().atMost(Duration.ofSeconds(30)).until(() -> leader.problem() != null);

                assertThat(starts.get()).isEqualTo(RelayLeader.MAX_DEATHS);
                assertThat(leader.problem()).contains("died 3 times in a row").contains("closed");
                assertThat(leader.notRelaying()).startsWith("not running: ");
                assertThat(state.acquire("b", null, Duration.ofSeconds(30))).as("the lease was given up")
                        .isEqualTo(new RelayState.Lease("b", 2));
            }
        }
    }
}
