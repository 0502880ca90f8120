package dev.triage.localstack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The embedded server as current clients see it when they connect: the commands that the Java
 * driver, mongosh 2 (Node.js driver 7) and PyMongo 4 send on connect are answered as MongoDB 4.4
 * answers them, and nothing of it is logged as an error.
 */
class ClientCompatibilityIT {

    /** The logger of {@link ClientDisconnects}, which logs a reset connection at debug. */
    private static final String DISCONNECTS = "dev.triage.localstack.ClientDisconnects";

    private final Recorder errors = new Recorder();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger disconnects = (Logger) LoggerFactory.getLogger(DISCONNECTS);

    @BeforeEach
    void recordLogs() {
        errors.start();
        root.addAppender(errors);
        disconnects.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stopRecording() {
        root.detachAppender(errors);
        disconnects.setLevel(null);
    }

    @Test
    void helloReportsWireVersion9AndTheVersionAgreesEverywhere() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase admin = client.getDatabase("admin");

            Document hello = admin.runCommand(new Document("hello", 1));
            assertThat(hello.getInteger("maxWireVersion")).isEqualTo(9);
            assertThat(hello).containsEntry("isWritablePrimary", true).containsEntry("helloOk", true)
                    .doesNotContainKey("ismaster").containsKey("maxBsonObjectSize");

            Document isMaster = admin.runCommand(new Document("isMaster", 1).append("helloOk", true));
            assertThat(isMaster).containsEntry("ismaster", true).containsEntry("helloOk", true);
            assertThat(isMaster.getInteger("maxWireVersion")).isEqualTo(9);
            assertThat(client.getDatabase("customer_support").runCommand(new Document("ismaster", 1)))
                    .containsEntry("maxWireVersion", 9).doesNotContainKey("helloOk");

            Document buildInfo = admin.runCommand(new Document("buildInfo", 1));
            assertThat(buildInfo.getString("version")).isEqualTo("4.4.2");
            assertThat(buildInfo.getList("versionArray", Integer.class)).containsExactly(4, 4, 2);
            assertThat(admin.runCommand(new Document("serverStatus", 1)).getString("version")).isEqualTo("4.4.2");
        }
        assertThat(errors.problems()).isEmpty();
    }

    @Test
    void theCommandsShellsSendOnConnectAreAnsweredWithoutAnErrorInTheLog() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase admin = client.getDatabase("admin");

            Document fcv = admin.runCommand(new Document("getParameter", 1).append("featureCompatibilityVersion", 1));
            assertThat(fcv.get("featureCompatibilityVersion", Document.class)).containsEntry("version", "4.4");
            for (String command : List.of("buildInfo", "getCmdLineOpts", "hostInfo", "connectionStatus", "ping")) {
                assertThat(admin.runCommand(new Document(command, 1)).get("ok")).as(command).isEqualTo(1.0);
            }
            assertThat(admin.runCommand(new Document("getLog", "startupWarnings")).getList("log", String.class)).isEmpty();
            assertThat(admin.runCommand(new Document("endSessions", List.of())).get("ok")).isEqualTo(1.0);

            // as a server that is not Atlas answers mongosh's atlasVersion
            assertThatThrownBy(() -> admin.runCommand(new Document("atlasVersion", 1)))
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(59);
                        assertThat(e.getErrorCodeName()).isEqualTo("CommandNotFound");
                    });
            // mongosh asks for a parameter that does not exist to tell DocumentDB apart
            assertThatThrownBy(() -> admin.runCommand(new Document("getParameter", "foo")))
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(72);
                        assertThat(e.getErrorMessage()).isEqualTo("no option found to get");
                    });
        }
        assertThat(errors.problems()).isEmpty();
    }

    @Test
    void aChangeStreamsFirstAnswerTellsTheTimeItCanBeResumedFrom() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase db = client.getDatabase("customer_support");
            db.getCollection("queries").insertOne(new Document("_id", "before"));
            Document changeStream = new Document("aggregate", "queries")
                    .append("pipeline", List.of(new Document("$changeStream", new Document())))
                    .append("cursor", new Document());

            // PyMongo refuses a change stream whose first answer has neither operationTime nor postBatchResumeToken
            BsonDocument opened = db.runCommand(changeStream, BsonDocument.class).getDocument("cursor")
                    .getDocument("postBatchResumeToken");
            db.getCollection("queries").insertOne(new Document("_id", "after"));

            // resuming from it gives what came after the stream was opened, and only that
            Document resumed = db.runCommand(new Document(changeStream).append("pipeline",
                    List.of(new Document("$changeStream", new Document("resumeAfter", opened)))));
            assertThat(resumed.get("cursor", Document.class).getList("firstBatch", Document.class))
                    .extracting(e -> e.get("documentKey", Document.class).get("_id")).containsExactly("after");
        }
        assertThat(errors.problems()).isEmpty();
    }

    @Test
    void aClientResettingItsConnectionIsNotLoggedAsAnError() throws IOException {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0)) {
            URI uri = URI.create(mongo.connectionString());
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                BsonDocument ping = new BsonDocument("ping", new BsonInt32(1)).append("$db", new BsonString("admin"));
                socket.getOutputStream().write(opMsg(ping));
                assertThat(readOpMsg(socket).getNumber("ok").intValue()).isEqualTo(1);
                socket.setSoLinger(true, 0); // close() now resets the connection, as the Node.js driver 6 does
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> errors.events.stream().anyMatch(e -> e.getLoggerName().equals(DISCONNECTS)));
        }
        assertThat(errors.problems()).isEmpty();
    }

    /** An OP_MSG with one body section. */
    private static byte[] opMsg(BsonDocument command) {
        ByteBuffer body = new RawBsonDocument(command, new org.bson.codecs.BsonDocumentCodec()).getByteBuffer().asNIO();
        ByteBuffer message = ByteBuffer.allocate(16 + 4 + 1 + body.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        message.putInt(message.capacity()).putInt(1).putInt(0).putInt(2013).putInt(0).put((byte) 0).put(body);
        return message.array();
    }

    private static RawBsonDocument readOpMsg(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] length = new byte[4];
        in.readFully(length);
        byte[] rest = new byte[ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt() - 4];
        in.readFully(rest);
        return new RawBsonDocument(rest, 12 + 4 + 1, rest.length - 17);
    }

    /**
     * Every ERROR event (the level the stack's console shows for mongo-java-server), and the debug
     * line of {@link ClientDisconnects}.
     */
    private static final class Recorder extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)
                    || event.getLoggerName().equals(DISCONNECTS)) {
                events.add(event);
            }
        }

        /** The ERROR events, readable in a failed assertion. */
        List<String> problems() {
            return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
                    .toList();
        }
    }
}
