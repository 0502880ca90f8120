package dev.triage.localstack;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MongoDB-wire server (mongo-java-server) with the H2 backend, in a file or in memory, with a
 * capped oplog ({@link CappedOplog}) so that change streams work with the normal driver and cost
 * what they read. It has no transactions: the
 * pipeline relies on idempotent writes instead.
 */
public final class EmbeddedMongo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);

    private final MongoServer server;
    private final H2Backend backend;
    private final String connectionString;

    private EmbeddedMongo(MongoServer server, H2Backend backend, String connectionString) {
        this.server = server;
        this.backend = backend;
        this.connectionString = connectionString;
    }

    /** An in-memory server on {@code port} (0 = a free port); its data is gone when it stops. */
    public static EmbeddedMongo inMemory(int port) {
        return inMemory(port, OplogH2Backend.OPLOG_ENTRIES);
    }

    /** An in-memory server whose oplog keeps {@code oplogEntries} entries, for tests of its roll-over. */
    public static EmbeddedMongo inMemory(int port, long oplogEntries) {
        return start(OplogH2Backend.inMemory(oplogEntries), port, "memory");
    }

    /**
     * A server keeping its data in {@code dataDir/mongo.mv}, so a restart finds it again; also after
     * {@code kill -9}, when it holds every acknowledged write and its indexes agree with its
     * documents (see {@link DurableH2Backend}).
     */
    public static EmbeddedMongo inDirectory(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create MongoDB data directory " + dataDir, e);
        }
        Path file = dataDir.resolve("mongo.mv");
        return start(DurableH2Backend.open(file, OplogH2Backend.OPLOG_ENTRIES), port, file.toString());
    }

    private static EmbeddedMongo start(H2Backend backend, int port, String where) {
        MongoServer server = new MongoServer(backend);
        try {
            server.enableOplog();
            int claimed = Ports.claim(port, "MongoDB", "--mongo-port");
            server.bind("localhost", claimed);
        } catch (RuntimeException e) {
            try {
                server.shutdownNow();
                backend.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        InetSocketAddress address = server.getLocalAddress();
        String uri = "mongodb://localhost:" + address.getPort();
        LOG.info("MongoDB-wire server ready on {} (data in {})", uri, where);
        return new EmbeddedMongo(server, backend, uri);
    }

    /** A {@code mongodb://} URI for the driver. */
    public String connectionString() {
        return connectionString;
    }

    @Override
    public void close() {
        server.shutdownNow();
        backend.close();
    }
}
