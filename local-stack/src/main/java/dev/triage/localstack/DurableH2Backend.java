package dev.triage.localstack;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * mongo-java-server's H2 backend on a file, made crash-consistent and durable, with the capped oplog.
 *
 * <p>Why: the stock backend opens its {@link MVStore} with auto-commit on, so the store commits
 * every second from a background thread, and from inside any map write once enough memory is
 * unsaved. A command writes several maps one after the other (a document, then each of its
 * indexes, then the oplog), so a commit can fall between them; after {@code kill -9} the file
 * then holds a document its unique index does not know, and the next upsert on that key inserts
 * a second document. It also acknowledged writes up to a second before they were in the file.
 *
 * <p>Here auto-commit is off, commands run under a shared lock and the {@link StoreCommitter}
 * commits under the exclusive one, so a commit never falls inside a command; and a command that
 * changed the store replies only once its changes are committed. Only the outermost call of a
 * command waits: the backend calls {@code handleCommand} from {@code handleMessage}.
 */
final class DurableH2Backend extends OplogH2Backend {

    /**
     * How long a chunk freed of live data is kept before its space is reused. H2's default, 45 s, is
     * for surviving a power cut whose disk lost its last writes; this store must survive its process
     * being killed (the operating system then still writes what it was given), and at a thousand
     * queries a second 45 s of freed chunks made the file hundreds of MB.
     */
    static final int RETENTION_MILLIS = 2_000;

    private final MVStore store;
    private final ReentrantReadWriteLock commandsAndCommits;
    private final StoreCommitter committer;

    private DurableH2Backend(MVStore store, ReentrantReadWriteLock commandsAndCommits, long oplogEntries) {
        super(store, oplogEntries);
        this.store = store;
        this.commandsAndCommits = commandsAndCommits;
        store.commit();
        this.committer = new StoreCommitter(store, commandsAndCommits.writeLock());
    }

    /** Opens (or creates) the store in {@code file}. */
    static DurableH2Backend open(Path file, long oplogEntries) {
        MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()        // no background commits
                .autoCommitBufferSize(0)     // no commits from inside a map write when memory fills
                .open();
        store.setRetentionTime(RETENTION_MILLIS);
        try {
            return new DurableH2Backend(store, new ReentrantReadWriteLock(), oplogEntries);
        } catch (RuntimeException e) {
            try {
                store.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        return durably(() -> super.handleMessage(message));
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        return durably(() -> super.handleQuery(query));
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return durably(() -> super.handleCommand(channel, database, command, query));
    }

    @Override
    public void dropDatabase(String database) {
        durably(() -> {
            super.dropDatabase(database);
            return null;
        });
    }

    @Override
    public void handleClose(Channel channel) {
        durably(() -> {
            super.handleClose(channel);
            return null;
        });
    }

    private <T> T durably(Supplier<T> command) {
        ReentrantReadWriteLock.ReadLock shared = commandsAndCommits.readLock();
        shared.lock();
        long written = -1;
        try {
            T result = command.get();
            written = changedVersion();
            return result;
        } catch (RuntimeException e) {
            written = changedVersion();  // a command that failed half way may have written too
            throw e;
        } finally {
            shared.unlock();
            if (written >= 0 && commandsAndCommits.getReadHoldCount() == 0) {
                committer.awaitCommitted(written);
            }
        }
    }

    /** The version holding uncommitted changes, or -1 when there are none; called under the shared lock. */
    private long changedVersion() {
        return store.hasUnsavedChanges() ? store.getCurrentVersion() : -1;
    }

    @Override
    public void close() {
        committer.close();
        commandsAndCommits.writeLock().lock();
        try {
            super.close();
        } finally {
            commandsAndCommits.writeLock().unlock();
        }
    }
}
