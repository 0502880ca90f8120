package dev.triage.localstack;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.NoopOplog;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's H2 backend with a {@link CappedOplog} instead of its own, whose change streams
 * and update lookups read the whole history every time, and with {@link IndexedH2Collection}s. The
 * stock oplog collection ({@code local.oplog.rs}) of a data directory written before is dropped:
 * nothing reads it. It presents itself to clients as {@link ClientCompatibility} says.
 */
class OplogH2Backend extends H2Backend {

    /**
     * Entries the oplog keeps: about five per classified query (query, result, marks, relay position),
     * so the history of the last 20,000 queries or so, a minute and a half at full speed. A relay away
     * or behind for longer catches up with a scan, as after a replica set's oplog rolled over, and
     * re-publishes what was not yet classified (classified twice, stored once); each entry holds a
     * whole document, so a larger oplog makes the file larger (20,000 entries: 166 MB after 20,000
     * queries, 100,000: 251 MB).
     */
    static final long OPLOG_ENTRIES = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(OplogH2Backend.class);

    private final long oplogEntries;

    OplogH2Backend(MVStore store, long oplogEntries) {
        super(store);
        this.oplogEntries = oplogEntries;
        version(ClientCompatibility.VERSION);
    }

    /** An in-memory store. */
    static OplogH2Backend inMemory(long oplogEntries) {
        return new OplogH2Backend(new MVStore.Builder().open(), oplogEntries);
    }

    /**
     * Collections that use their unique indexes for queries with more than the indexed equality.
     * Called from the stock constructor too, for the databases already in the store, so it reads the
     * store through {@link #getMvStore()}, set before, not through a field of this class.
     */
    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new IndexedH2Database(databaseName, getMvStore(), getCursorRegistry());
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return ClientCompatibility.handle(channel, database, command, query, this::handleWithPosition);
    }

    /** The stock answer, with a change stream's {@code postBatchResumeToken} ({@link CappedOplog}). */
    private Document handleWithPosition(Channel channel, String database, String command, Document query) {
        Document answer = super.handleCommand(channel, database, command, query);
        return command.equalsIgnoreCase("aggregate") || command.equalsIgnoreCase("getMore")
                ? CappedOplog.withPostBatchResumeToken(answer, getCursorRegistry()) : answer;
    }

    @Override
    protected Oplog createOplog() {
        if (getMvStore().hasMap("databases.local.oplog.rs")) {
            LOG.info("dropping the stock oplog collection local.oplog.rs of this data directory; the capped oplog replaces it");
            resolveDatabase("local").dropCollection("oplog.rs", NoopOplog.get());
        }
        return new CappedOplog(this, getMvStore(), getCursorRegistry(), getClock(), oplogEntries);
    }
}
