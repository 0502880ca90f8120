package dev.triage.localstack;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    /** Below this share of live data in a file of at least {@link #COMPACT_MIN_BYTES}, it is compacted when opened and when closed. */
    static final double COMPACT_BELOW_LIVE_SHARE = 0.5;
    static final long COMPACT_MIN_BYTES = 8_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(DurableH2Backend.class);

    private final Path file;
    private final MVStore store;
    private final ReentrantReadWriteLock commandsAndCommits;
    private final StoreCommitter committer;

    private DurableH2Backend(Path file, MVStore store, ReentrantReadWriteLock commandsAndCommits, long oplogEntries) {
        super(store, oplogEntries);
        this.file = file;
        this.store = store;
        this.commandsAndCommits = commandsAndCommits;
        store.commit();
        this.committer = new StoreCommitter(store, commandsAndCommits.writeLock());
    }

    /** Opens (or creates) the store in {@code file}, compacted first if most of it is free space. */
    static DurableH2Backend open(Path file, long oplogEntries) {
        MVStoreTool.compactCleanUp(file.toString()); // what a compaction killed half way left
        compactIfMostlyFree(file);
        MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()        // no background commits
                .autoCommitBufferSize(0)     // no commits from inside a map write when memory fills
                .open();
        store.setRetentionTime(RETENTION_MILLIS);
        try {
            return new DurableH2Backend(file, store, new ReentrantReadWriteLock(), oplogEntries);
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
        compactIfMostlyFree(file);
    }

    /**
     * Rewrites the file with its live data only (H2's offline compaction: into a new file, then an
     * atomic rename) when less than {@link #COMPACT_BELOW_LIVE_SHARE} of it is live. While the store
     * is open, the {@link StoreCommitter} lets freed space be reused, but the file never gets shorter
     * than the largest it was: 20,000 queries left 165 MB of file around 57 MB of live data, which
     * this takes back in about a second.
     */
    static void compactIfMostlyFree(Path file) {
        long before = sizeOf(file);
        if (before < COMPACT_MIN_BYTES) {
            return;
        }
        double live;
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            live = store.getFillRate() / 100.0 * store.getFileStore().getChunksFillRate() / 100.0;
        }
        if (live < COMPACT_BELOW_LIVE_SHARE) {
            MVStoreTool.compact(file.toString(), false);
            LOG.info("compacted the embedded MongoDB store {}: {} MB -> {} MB", file, before / 1_000_000, sizeOf(file) / 1_000_000);
        }
    }

    /** The file's size, 0 when there is none yet. */
    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }
}
