package dev.triage.gateway.relay;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.util.Date;

/**
 * The relay's documents in {@code pipeline_state}, keyed by the watched namespace: the lease that
 * lets one relay run among several gateways ({@code relay-lease:<ns>}), and the change-stream
 * resume token ({@code relay-token:<ns>}).
 *
 * <p>Time: every lease time is the MongoDB server's, never a gateway's clock, so gateways with
 * skewed clocks agree on when a lease expires. Each decision first reads the server's time with
 * {@code $currentDate} in the same {@code findOneAndUpdate} that returns the lease document (both
 * mongo-java-server and MongoDB support it; {@code $$NOW} in pipeline updates is not supported by
 * mongo-java-server, and {@code hello.localTime} could come from another member than the one
 * that takes the write), then writes with a compare-and-set on the lease's {@code epoch}.
 *
 * <p>Fencing: each change of holder increments the lease's {@code epoch}. A new holder stamps its
 * epoch on the token document ({@link #claimToken}) before reading the token; a save
 * ({@link #saveToken}) must match the stamped epoch, so once a newer holder has read the token, an
 * older holder can no longer move it ({@link LeaseLostException}).
 */
public final class RelayState {

    /** A held lease: this gateway's {@code owner} name and its tenure. */
    public record Lease(String owner, long epoch) {
    }

    private final MongoCollection<Document> state;
    private final String tokenId;
    private final String leaseId;

    public RelayState(MongoCollection<Document> state, String namespace) {
        this.state = state;
        this.tokenId = "relay-token:" + namespace;
        this.leaseId = "relay-lease:" + namespace;
    }

    /**
     * Renews {@code current} or takes the lease for {@code ttl} of server time; returns the lease
     * held, or null when another owner holds an unexpired lease (or took it since {@code current}).
     */
    public Lease acquire(String owner, Lease current, Duration ttl) {
        Document lease = state.findOneAndUpdate(Filters.eq("_id", leaseId),
                Updates.combine(Updates.currentDate("server_time"), Updates.setOnInsert("epoch", 0L)),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        Date now = lease.getDate("server_time");
        // a lease written before epochs existed has none: it counts as epoch 0
        long epoch = lease.get("epoch") instanceof Number n ? n.longValue() : 0;
        Bson sameEpoch = lease.get("epoch") == null ? Filters.exists("epoch", false) : Filters.eq("epoch", epoch);
        Bson times = Updates.combine(Updates.set("expires_at", new Date(now.getTime() + ttl.toMillis())),
                Updates.set("renewed_at", now));
        if (current != null && current.owner().equals(owner) && current.epoch() == epoch && owner.equals(lease.get("owner"))) {
            boolean renewed = state.updateOne(Filters.and(Filters.eq("_id", leaseId), Filters.eq("owner", owner),
                    Filters.eq("epoch", epoch)), times).getMatchedCount() == 1;
            return renewed ? current : null;
        }
        Date expires = lease.getDate("expires_at");
        if (lease.get("owner") != null && expires != null && !expires.before(now)) {
            return null;
        }
        boolean taken = state.updateOne(Filters.and(Filters.eq("_id", leaseId), sameEpoch),
                Updates.combine(times, Updates.set("owner", owner), Updates.inc("epoch", 1L))).getMatchedCount() == 1;
        return taken ? new Lease(owner, epoch + 1) : null;
    }

    /** Gives the lease up at once if {@code lease} is still the current one. */
    public void release(Lease lease) {
        state.updateOne(Filters.and(Filters.eq("_id", leaseId), Filters.eq("owner", lease.owner()),
                        Filters.eq("epoch", lease.epoch())),
                Updates.combine(Updates.unset("owner"), Updates.set("expires_at", new Date(0))));
    }

    /**
     * Reserves the token for {@code lease} (older epochs can no longer save it), then returns the
     * last saved resume token, or null.
     *
     * @throws LeaseLostException if a newer epoch reserved it already
     */
    public BsonDocument claimToken(Lease lease) {
        try {
            state.updateOne(Filters.and(Filters.eq("_id", tokenId), Filters.or(Filters.exists("epoch", false),
                            Filters.lte("epoch", lease.epoch()))),
                    Updates.combine(Updates.set("epoch", lease.epoch()), Updates.set("owner", lease.owner())),
                    new UpdateOptions().upsert(true));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) { // a newer epoch holds the document
                throw new LeaseLostException("the resume token belongs to a newer relay lease than " + lease);
            }
            throw e;
        }
        Document doc = state.find(Filters.eq("_id", tokenId)).first();
        return doc != null && doc.get("resume_token") instanceof Document token ? token.toBsonDocument() : null;
    }

    /**
     * Saves the resume token, only while {@code lease} still owns it.
     *
     * @throws LeaseLostException if another holder claimed the token since
     */
    public void saveToken(Lease lease, BsonDocument token) {
        long matched = state.updateOne(Filters.and(Filters.eq("_id", tokenId), Filters.eq("epoch", lease.epoch())),
                Updates.combine(Updates.set("resume_token", token), Updates.currentDate("updated_at"))).getMatchedCount();
        if (matched == 0) {
            throw new LeaseLostException("resume token not saved: another relay claimed it after " + lease);
        }
    }

    /**
     * Checks that {@code lease} still owns the token, for a long scan that has nothing to save yet.
     *
     * @throws LeaseLostException if another holder claimed the token since
     */
    public void confirm(Lease lease) {
        if (state.countDocuments(Filters.and(Filters.eq("_id", tokenId), Filters.eq("epoch", lease.epoch()))) == 0) {
            throw new LeaseLostException("another relay claimed the resume token after " + lease);
        }
    }
}
