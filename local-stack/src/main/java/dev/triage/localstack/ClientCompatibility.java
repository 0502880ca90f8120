package dev.triage.localstack;

import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.ErrorCode;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.exception.NoSuchCommandException;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * What the embedded server tells clients about itself, and how it answers the commands that clients
 * send when they connect, so that current drivers and shells accept it and its console stays quiet.
 *
 * <p>It reports MongoDB 4.4.2, wire version 9: the lowest that every current client accepts (the
 * Node.js driver 7, which mongosh 2 bundles, requires 9; PyMongo 4.14+, the Node.js driver 6 and
 * the Java driver 5.8 require 8). mongo-java-server speaks what a client does differently at 9 rather
 * than 8: OP_MSG, {@code hello} (answered here, since 4.4.2, hence that patch level), and error
 * labels that a 4.4 server sets itself: this server never raises the retryable or resumable codes
 * that a 4.4 server labels, so it sets none. Clients see no {@code logicalSessionTimeoutMinutes}
 * and so use no sessions, and see no {@code topologyVersion} and so poll instead of streaming.
 *
 * <p>A command the server does not know is answered {@code CommandNotFound} (59), as a real server
 * answers it (for example mongosh's {@code atlasVersion}), without the stack trace that
 * mongo-java-server logs for it; nor is a client resetting its connection logged as an error. (A
 * change stream's answers carry the {@code postBatchResumeToken} PyMongo needs to start one:
 * {@link CappedOplog}.)
 */
final class ClientCompatibility {

    /** MongoDB 4.4.2 and wire version 9 in {@code hello}, {@code buildInfo} and {@code serverStatus}. */
    static final MongoVersion VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 2);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    /** The feature compatibility version a 4.4 server reports by {@code getParameter}. */
    private static final String FEATURE_COMPATIBILITY_VERSION = "4.4";

    private static final Logger LOG = LoggerFactory.getLogger(ClientCompatibility.class);

    /** mongo-java-server's own command handling, for everything this class does not answer itself. */
    @FunctionalInterface
    interface Commands {
        Document handle(Channel channel, String database, String command, Document query);
    }

    private ClientCompatibility() {
    }

    /**
     * Answers {@code command} the way a MongoDB 4.4 server does, with {@code server} for the rest;
     * the client's connection ending is not logged as an error ({@link ClientDisconnects}).
     */
    static Document handle(Channel channel, String database, String command, Document query, Commands server) {
        if (channel != null) {
            ClientDisconnects.installOn(channel);
        }
        switch (command.toLowerCase(Locale.ROOT)) {
            case "hello":
                return hello(server.handle(channel, database, "isMaster", query));
            case "ismaster":
                return isMaster(server.handle(channel, database, command, query), query);
            case "getparameter":
                return getParameter(query);
            default:
                return orCommandNotFound(channel, database, command, query, server);
        }
    }

    private static Document orCommandNotFound(Channel channel, String database, String command, Document query,
                                              Commands server) {
        try {
            return server.handle(channel, database, command, query);
        } catch (NoSuchCommandException e) {
            LOG.debug("answered {} on {} with CommandNotFound", command, database);
            return error(ErrorCode.CommandNotFound.getValue(), ErrorCode.CommandNotFound.getName(),
                    e.getMessageWithoutErrorCode());
        } catch (MongoServerError e) {
            if (e.getCode() != CappedOplog.HISTORY_LOST) {
                throw e;
            }
            // an expected answer (the client falls back to what it does when the oplog rolled over), not a server error
            LOG.info("change stream on {} cannot resume: {}", database, e.getMessageWithoutErrorCode());
            return error(e.getCode(), e.getCodeName(), e.getMessageWithoutErrorCode());
        }
    }

    /** {@code hello} answers as {@code isMaster} does, with {@code isWritablePrimary} for {@code ismaster}. */
    private static Document hello(Document isMaster) {
        Document hello = new Document("isWritablePrimary", isMaster.get("ismaster"));
        isMaster.forEach((key, value) -> {
            if (!key.equals("ismaster")) {
                hello.put(key, value);
            }
        });
        hello.put("helloOk", Boolean.TRUE);
        return hello;
    }

    /** A client that offers {@code helloOk} learns that it may use {@code hello} from now on. */
    private static Document isMaster(Document answer, Document query) {
        if (Utils.isTrue(query.get("helloOk"))) {
            answer.put("helloOk", Boolean.TRUE);
        }
        return answer;
    }

    /**
     * {@code featureCompatibilityVersion}, which shells ask for, is the one parameter this server has;
     * any other is unknown, as an unknown parameter is to a real server.
     */
    private static Document getParameter(Document query) {
        if (!query.containsKey("featureCompatibilityVersion")) {
            return error(ErrorCode.InvalidOptions.getValue(), ErrorCode.InvalidOptions.getName(),
                    "no option found to get");
        }
        Document answer = new Document("featureCompatibilityVersion",
                new Document("version", FEATURE_COMPATIBILITY_VERSION));
        Utils.markOkay(answer);
        return answer;
    }

    private static Document error(int code, String codeName, String message) {
        return new Document("ok", 0.0)
                .append("errmsg", message)
                .append("code", code)
                .append("codeName", codeName);
    }
}
