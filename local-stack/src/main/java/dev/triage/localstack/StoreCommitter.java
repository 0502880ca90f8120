package dev.triage.localstack;

import de.bwaldvogel.mongo.exception.MongoServerException;
import org.h2.mvstore.MVStore;

import java.util.concurrent.locks.Lock;

/**
 * The one thread that commits the embedded MongoDB store's {@link MVStore} (group commit): a
 * command that changed the store asks for the version it wrote to be committed and waits; the
 * thread commits, holding {@code exclusive} so that no command is half done, everything asked
 * for since its last commit in one go.
 *
 * <p>Waits end when the version is committed, when a commit failed (every later wait fails too:
 * a store that cannot write must not acknowledge), or when the committer is closed.
 */
final class StoreCommitter implements AutoCloseable {

    private static final long COMPACT_EVERY_NANOS = 1_000_000_000L;
    private static final int TARGET_FILL_RATE = 90;
    private static final int COMPACT_WRITE_BYTES = 16 * 1024 * 1024;

    private final MVStore store;
    private final Lock exclusive;
    private final Thread thread;
    private final Object monitor = new Object();
    /** Guarded by {@code monitor}: the highest version asked for, the highest committed. */
    private long requested = -1;
    private long committed = -1;
    private RuntimeException failure;
    private boolean closed;

    StoreCommitter(MVStore store, Lock exclusive) {
        this.store = store;
        this.exclusive = exclusive;
        this.thread = new Thread(this::run, "mongo-store-commit");
        thread.setDaemon(true);
        thread.start();
    }

    /** Returns once every change of {@code version} (an {@link MVStore#getCurrentVersion()}) is in the file. */
    void awaitCommitted(long version) {
        synchronized (monitor) {
            if (version > requested) {
                requested = version;
                monitor.notifyAll();
            }
            while (committed < version) {
                if (failure != null) {
                    throw new MongoServerException("the embedded MongoDB store cannot write its file: " + failure.getMessage(), failure);
                }
                if (closed) {
                    throw new MongoServerException("the embedded MongoDB store is closed; the write may not be kept");
                }
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MongoServerException("interrupted while the embedded MongoDB store committed a write");
                }
            }
        }
    }

    private void run() {
        long compactedAt = System.nanoTime();
        while (awaitRequest()) {
            long version;
            exclusive.lock();
            try {
                version = store.getCurrentVersion();
                store.commit();
                if (System.nanoTime() - compactedAt >= COMPACT_EVERY_NANOS) {
                    compactedAt = System.nanoTime();
                    compact();
                }
            } catch (RuntimeException e) {
                synchronized (monitor) {
                    failure = e;
                    monitor.notifyAll();
                }
                return;
            } finally {
                exclusive.unlock();
            }
            synchronized (monitor) {
                committed = version;
                monitor.notifyAll();
            }
        }
    }

    /**
     * What the store's background thread would do and does not, with auto-commit off: rewrite the
     * live pages of chunks less than {@value #TARGET_FILL_RATE}% full (every commit writes a chunk,
     * and one live page keeps a whole chunk), so that their space can be reused; without it the
     * file grew by about 40 KB a query. Committed like any change, between commands.
     */
    private void compact() {
        if (store.compact(TARGET_FILL_RATE, COMPACT_WRITE_BYTES)) {
            store.commit();
        }
    }

    /** Waits until a version beyond the committed one is asked for (true) or the committer is closed (false). */
    private boolean awaitRequest() {
        synchronized (monitor) {
            while (requested <= committed && !closed) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return !closed;
        }
    }

    /** Stops the thread; waits still pending fail. The store's own close commits what is left. */
    @Override
    public void close() {
        synchronized (monitor) {
            closed = true;
            monitor.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
