package dev.triage.gateway.relay;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.localstack.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The lease and token documents on a real MongoDB-wire server: server time, one holder, fenced saves. */
class RelayStateIT {

    private static final Duration LONG = Duration.ofSeconds(30);

    EmbeddedMongo mongo;
    MongoClient client;
    MongoCollection<Document> collection;
    RelayState state;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory(0);
        client = MongoClients.create(mongo.connectionString());
        collection = client.getDatabase("s").getCollection("pipeline_state");
        state = new RelayState(collection, "s.queries");
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void theLeaseHasOneHolderUntilItIsReleased() {
        RelayState.Lease a = state.acquire("a", null, LONG);
        assertThat(a).isEqualTo(new RelayState.Lease("a", 1));
        assertThat(state.acquire("b", null, LONG)).isNull();
        assertThat(state.acquire("a", a, LONG)).isEqualTo(a); // renewed, same tenure

        state.release(new RelayState.Lease("b", 1)); // not the holder: nothing happens
        assertThat(state.acquire("b", null, LONG)).isNull();
        state.release(a);
        RelayState.Lease b = state.acquire("b", null, LONG);
        assertThat(b).isEqualTo(new RelayState.Lease("b", 2));
        assertThat(state.acquire("a", a, LONG)).as("a's tenure is over").isNull();
    }

    /** Expiry is judged by the server's clock: the stored times are the server's, whatever the gateways' clocks say. */
    @Test
    void anUnrenewedLeaseExpiresByServerTime() {
        Duration ttl = Duration.ofMillis(600);
        long before = System.currentTimeMillis();
        RelayState.Lease a = state.acquire("a", null, ttl);
        Document lease = collection.find(Filters.eq("_id", "relay-lease:s.queries")).first();
        Date renewed = lease.getDate("renewed_at");
        assertThat(lease.getDate("expires_at").getTime() - renewed.getTime()).isEqualTo(ttl.toMillis());
        assertThat(renewed.getTime()).isBetween(before - 1000, System.currentTimeMillis() + 1000); // same machine here

        assertThat(state.acquire("b", null, ttl)).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> state.acquire("b", null, ttl) != null);
        assertThat(System.currentTimeMillis() - before).isGreaterThanOrEqualTo(ttl.toMillis());
        assertThat(state.acquire("a", a, ttl)).isNull();
    }

    @Test
    void onlyTheLatestHolderCanSaveTheToken() {
        RelayState.Lease a = state.acquire("a", null, LONG);
        assertThat(state.claimToken(a)).isNull();
        state.saveToken(a, token("8263"));
        state.release(a);

        RelayState.Lease b = state.acquire("b", null, LONG);
        assertThat(state.claimToken(b)).isEqualTo(token("8263"));
        assertThatThrownBy(() -> state.saveToken(a, token("8299"))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> state.confirm(a)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> state.claimToken(a)).isInstanceOf(LeaseLostException.class);
        state.saveToken(b, token("8264"));
        state.confirm(b);

        assertThat(state.claimToken(b)).isEqualTo(token("8264"));
    }

    /** A lease and token written before epochs existed are taken over and claimed. */
    @Test
    void documentsWithoutEpochsAreTakenOver() {
        collection.insertOne(new Document("_id", "relay-lease:s.queries").append("owner", "old")
                .append("expires_at", new Date(0)));
        collection.insertOne(new Document("_id", "relay-token:s.queries").append("resume_token", new Document("_data", "8263")));

        RelayState.Lease a = state.acquire("a", null, LONG);

        assertThat(a).isEqualTo(new RelayState.Lease("a", 1));
        assertThat(state.claimToken(a)).isEqualTo(token("8263"));
    }

    private static BsonDocument token(String data) {
        return new BsonDocument("_data", new BsonString(data));
    }
}
