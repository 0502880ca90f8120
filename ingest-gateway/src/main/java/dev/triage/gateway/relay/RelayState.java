package dev.triage.gateway.relay;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.BsonDocument;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;

/**
 * The relay's documents in {@code pipeline_state}: its change-stream resume token and the lease
 * that lets one relay run among several gateways. Both are keyed by the watched namespace.
 */
public final class RelayState {

    private final MongoCollection<Document> state;
    private final String tokenId;
    private final String leaseId;
    private final Clock clock;

    public RelayState(MongoCollection<Document> state, String namespace, Clock clock) {
        this.state = state;
        this.tokenId = "relay-token:" + namespace;
        this.leaseId = "relay-lease:" + namespace;
        this.clock = clock;
    }

    /** The last persisted resume token, or null. */
    public BsonDocument loadToken() {
        Document doc = state.find(Filters.eq("_id", tokenId)).first();
        if (doc == null || !(doc.get("resume_token") instanceof Document token)) {
            return null;
        }
        return token.toBsonDocument();
    }

    public void saveToken(BsonDocument token) {
        state.replaceOne(Filters.eq("_id", tokenId),
                new Document("resume_token", token).append("updated_at", Date.from(clock.instant())),
                new ReplaceOptions().upsert(true));
    }

    /**
     * Takes or renews the lease for {@code ttl}: succeeds when nobody holds it, {@code owner}
     * holds it, or the holder's lease expired.
     */
    public boolean acquire(String owner, Duration ttl) {
        Date now = Date.from(clock.instant());
        try {
            state.updateOne(Filters.and(Filters.eq("_id", leaseId),
                            Filters.or(Filters.eq("owner", owner), Filters.lt("expires_at", now))),
                    Updates.combine(Updates.set("owner", owner), Updates.set("expires_at", Date.from(clock.instant().plus(ttl))),
                            Updates.set("renewed_at", now)),
                    new UpdateOptions().upsert(true));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false; // held by another owner: the upsert collided with its document
            }
            throw e;
        }
    }

    /** Gives the lease up at once if {@code owner} holds it. */
    public void release(String owner) {
        state.deleteOne(Filters.and(Filters.eq("_id", leaseId), Filters.eq("owner", owner)));
    }
}
