package dev.triage.gateway.relay;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The lease and token documents on a real MongoDB-wire server, with a clock the test moves. */
class RelayStateIT {

    private Instant now = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void theLeaseHasOneHolderUntilItExpiresOrIsReleased() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0); MongoClient client = MongoClients.create(mongo.connectionString())) {
            RelayState state = new RelayState(client.getDatabase("s").getCollection("pipeline_state"), "s.queries", clock());
            Duration ttl = Duration.ofSeconds(30);

            assertThat(state.acquire("a", ttl)).isTrue();
            assertThat(state.acquire("b", ttl)).isFalse();
            now = now.plusSeconds(20);
            assertThat(state.acquire("a", ttl)).isTrue(); // renewed until +50 s
            now = now.plusSeconds(20);
            assertThat(state.acquire("b", ttl)).isFalse();
            now = now.plusSeconds(11); // a died: no renewal, expired
            assertThat(state.acquire("b", ttl)).isTrue();
            assertThat(state.acquire("a", ttl)).isFalse();
            state.release("a"); // not the holder: nothing happens
            assertThat(state.acquire("a", ttl)).isFalse();
            state.release("b");
            assertThat(state.acquire("a", ttl)).isTrue();
        }
    }

    @Test
    void theTokenIsSavedAndLoaded() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0); MongoClient client = MongoClients.create(mongo.connectionString())) {
            RelayState state = new RelayState(client.getDatabase("s").getCollection("pipeline_state"), "s.queries", clock());
            assertThat(state.loadToken()).isNull();

            state.saveToken(new BsonDocument("_data", new BsonString("8263")));
            state.saveToken(new BsonDocument("_data", new BsonString("8264")));

            assertThat(state.loadToken()).isEqualTo(new BsonDocument("_data", new BsonString("8264")));
        }
    }

    private Clock clock() {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
    }
}
