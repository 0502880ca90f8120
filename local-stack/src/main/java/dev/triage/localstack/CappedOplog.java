package dev.triage.localstack;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.CursorNotFoundException;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;
import de.bwaldvogel.mongo.oplog.OplogPosition;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The embedded server's oplog, as a real replica set keeps one: ordered by timestamp, capped, and
 * read from a position onwards. mongo-java-server's own oplog is a collection that every
 * change-stream read and every update lookup streams and filters whole, so their cost grows with
 * history; here a read costs what it returns, and an update lookup is a find by {@code _id}.
 *
 * <p>Entries live in an {@link MVMap} of the same store as the data, keyed by timestamp, so they are
 * committed with the writes that made them. Beyond {@code maxEntries} the oldest are dropped, and
 * the newest dropped timestamp is kept as the floor: a change stream asked to resume from before it,
 * or whose reader fell behind it (a read of the next batch), fails with {@code ChangeStreamHistoryLost}
 * (286), as a real server does once its oplog rolled over, and a client falls back to what it does
 * then (the relay: a catch-up scan). Nothing dropped is ever skipped silently.
 *
 * <p>A change stream's position is how far it has read, other collections' entries included, and
 * answers report it as {@code postBatchResumeToken}, as a replica set does. Change events have the
 * shape mongo-java-server gives them (no {@code updateDescription}, see the relay's
 * {@code UpdateDecision}); a resume after the collection was dropped is not invalidated.
 * Appends are serialised (one lock), so timestamps and keys increase together.
 */
final class CappedOplog implements Oplog {

    private static final String ENTRIES = "triage.oplog";
    private static final String META = "triage.oplog.meta";
    private static final String FLOOR = "floor";
    static final int HISTORY_LOST = 286;

    private final MongoBackend backend;
    private final CursorRegistry cursors;
    private final Clock clock;
    private final long maxEntries;
    private final MVMap<Long, Document> entries;
    private final MVMap<String, Long> meta;
    private final UUID collectionUuid = UUID.randomUUID();
    /** Guarded by {@code this}: the last timestamp given. */
    private long last;

    CappedOplog(MongoBackend backend, MVStore store, CursorRegistry cursors, Clock clock, long maxEntries) {
        this.backend = backend;
        this.cursors = cursors;
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.entries = store.openMap(ENTRIES, new MVMap.Builder<Long, Document>().valueType(BsonDocumentType.INSTANCE));
        this.meta = store.openMap(META);
        if (meta.get(FLOOR) == null) {
            // history starts with this second: every entry is after the floor, an older position was never here
            meta.put(FLOOR, now() - 1);
        }
        Long newest = entries.lastKey();
        this.last = Math.max(newest == null ? 0 : newest, meta.get(FLOOR));
    }

    @Override
    public void handleInsert(String namespace, List<Document> documents) {
        for (Document document : documents) {
            append(entry("i", namespace).append("o", document.cloneDeeply()));
        }
    }

    @Override
    public void handleUpdate(String namespace, Document selector, Document update, List<Object> modifiedIds) {
        for (Object id : modifiedIds) {
            append(entry("u", namespace).append("o", update).append("o2", new Document("_id", id)));
        }
    }

    @Override
    public void handleDelete(String namespace, Document query, List<Object> deletedIds) {
        for (Object id : deletedIds) {
            append(entry("d", namespace).append("o", new Document("_id", id)));
        }
    }

    @Override
    public void handleDropCollection(String namespace) {
        String[] parts = namespace.split("\\.", 2);
        append(entry("c", parts[0] + ".$cmd").append("o", new Document("drop", parts[1])));
    }

    @Override
    public Cursor createCursor(Document changeStream, String namespace, Aggregation aggregation) {
        Cursor cursor = new ChangeStreamCursor(cursors.generateCursorId(), start(changeStream), namespace, changeStream,
                aggregation);
        cursors.add(cursor);
        return cursor;
    }

    /**
     * Adds {@code postBatchResumeToken} to the cursor of an {@code aggregate} or {@code getMore}
     * answer of a change stream, as a replica set does: the position the stream has read up to,
     * events of other collections included, which a driver keeps as its resume token once it has
     * handed out the batch. A stream on a quiet collection therefore resumes from a recent point,
     * not from its last event, which the capped history may have dropped meanwhile.
     */
    static Document withPostBatchResumeToken(Document answer, CursorRegistry cursors) {
        if (answer.get("cursor") instanceof Document cursor && cursor.get("id") instanceof Long id && id != 0) {
            try {
                if (cursors.getCursor(id) instanceof ChangeStreamCursor stream) {
                    cursor.put("postBatchResumeToken", stream.resumeToken());
                }
            } catch (CursorNotFoundException e) {
                // closed meanwhile: the answer has no position to add
            }
        }
        return answer;
    }

    private OplogPosition start(Document changeStream) {
        Document token = (Document) changeStream.getOrDefault("startAfter", changeStream.get("resumeAfter"));
        BsonTimestamp at = (BsonTimestamp) changeStream.get("startAtOperationTime");
        long floor = meta.get(FLOOR);
        if (token != null) {
            OplogPosition position = OplogPosition.fromDocument(token);
            requireHistory(value(position), floor);
            return position;
        }
        if (at != null) {
            requireHistory(at.getValue() - 1, floor);
            return new OplogPosition(at).inclusive();
        }
        synchronized (this) {
            return new OplogPosition(new BsonTimestamp(last));
        }
    }

    private static void requireHistory(long position, long floor) {
        if (position < floor) {
            throw new MongoServerError(HISTORY_LOST, "ChangeStreamHistoryLost", "Resume of change stream was not "
                    + "possible, as the resume point may no longer be in the oplog (it starts after "
                    + Long.toHexString(floor) + ", the resume point is " + Long.toHexString(position) + ")");
        }
    }

    /**
     * A change stream's cursor. Its position is how far it has read the oplog, every collection's
     * entries included, so each batch reads only what was appended since the last one, however long
     * the watched collection was quiet; and it is the stream's {@code postBatchResumeToken}.
     */
    private final class ChangeStreamCursor extends AbstractCursor {

        private final String namespace;
        private final String commands;
        private final Document changeStream;
        private final Aggregation aggregation;
        /** Read up to here: exclusive, or inclusive for a stream started at an operation time and not read yet. */
        private OplogPosition position;

        ChangeStreamCursor(long id, OplogPosition position, String namespace, Document changeStream,
                           Aggregation aggregation) {
            super(id);
            this.position = position;
            this.namespace = namespace;
            this.commands = namespace.substring(0, namespace.indexOf('.')) + ".$cmd";
            this.changeStream = changeStream;
            this.aggregation = aggregation;
        }

        @Override
        public boolean isEmpty() {
            return false;
        }

        /**
         * The next events, at most {@code limit} (0: all there are). Without a full batch the
         * position moves past every entry read; with one, to its last event, as the entries behind
         * it may hold more.
         */
        @Override
        public synchronized List<Document> takeDocuments(int limit) {
            long from = value(position);
            org.h2.mvstore.Cursor<Long, Document> entriesFrom;
            synchronized (CappedOplog.this) {
                // a reader that fell behind the cap must fail as on a replica set, never skip what was
                // dropped: the floor and the snapshot read are taken with no append in between
                requireHistory(readUpTo(position), meta.get(FLOOR));
                entriesFrom = entries.cursor(from);
            }
            long[] read = {-1};
            Iterator<Document> values = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return entriesFrom.hasNext();
                }

                @Override
                public Document next() {
                    read[0] = entriesFrom.next();
                    return entriesFrom.getValue();
                }
            };
            OplogPosition after = position;
            Stream<Document> events = StreamSupport.stream(Spliterators.spliteratorUnknownSize(values, 0), false)
                    .filter(e -> new OplogPosition((BsonTimestamp) e.get("ts")).isAfter(after))
                    .filter(e -> namespace.equals(e.get("ns")) || commands.equals(e.get("ns")))
                    .map(e -> event(e, changeStream));
            events = aggregation.runStagesAsStream(events);
            List<Document> batch = (limit > 0 ? events.limit(limit) : events).toList();
            if (limit > 0 && batch.size() == limit) {
                position = OplogPosition.fromDocument((Document) batch.get(batch.size() - 1).get("_id"));
            } else if (read[0] >= from) {
                position = new OplogPosition(new BsonTimestamp(read[0]));
            }
            return batch;
        }

        /**
         * Where a stream resumed with this token goes on: after the last entry read. Read right after
         * the batch it follows: a client asks for a cursor's batches one after the other.
         */
        synchronized Document resumeToken() {
            return new Document("_data", Long.toHexString(readUpTo(position)));
        }
    }

    /** The last timestamp read at {@code position}: its own, or the one before for an inclusive one. */
    private static long readUpTo(OplogPosition position) {
        long at = value(position);
        return new OplogPosition(new BsonTimestamp(at)).isAfter(position) ? at - 1 : at;
    }

    private Document event(Document entry, Document changeStream) {
        BsonTimestamp ts = (BsonTimestamp) entry.get("ts");
        Document id = new Document("_data", Long.toHexString(ts.getValue()));
        Document o = (Document) entry.get("o");
        String op = (String) entry.get("op");
        if (op.equals("c")) {
            return new Document("_id", id).append("operationType", o.keySet().iterator().next()).append("clusterTime", ts);
        }
        Document event = new Document("_id", id)
                .append("operationType", switch (op) {
                    case "i" -> "insert";
                    case "u" -> "update";
                    default -> "delete";
                })
                .append("fullDocument", switch (op) {
                    case "i" -> o;
                    case "u" -> updated(entry, changeStream);
                    default -> null;
                })
                .append("documentKey", op.equals("u") ? entry.get("o2") : new Document("_id", o.get("_id")))
                .append("clusterTime", ts);
        return event;
    }

    /** The document now ({@code fullDocument: updateLookup}, a find by {@code _id}), else the fields the update set. */
    private Document updated(Document entry, Document changeStream) {
        Document update = (Document) entry.get("o");
        Object id = ((Document) entry.get("o2")).get("_id");
        if ("updateLookup".equals(changeStream.get("fullDocument"))) {
            String[] ns = ((String) entry.get("ns")).split("\\.", 2);
            MongoDatabase database = backend.resolveDatabase(ns[0]);
            MongoCollection<?> collection = database.resolveCollection(ns[1], false);
            if (collection != null) {
                for (Document current : collection.handleQuery(new Document("_id", id), 0, 1)) {
                    return current;
                }
            }
        }
        Document delta = new Document();
        for (String operator : List.of("$set", "$unset")) {
            if (update.get(operator) instanceof Document fields) {
                delta.appendAll(fields);
            }
        }
        return delta;
    }

    private Document entry(String op, String namespace) {
        return new Document("t", 1L).append("op", op).append("ns", namespace).append("ui", collectionUuid)
                .append("wall", clock.instant());
    }

    /** Gives the entry the next timestamp, stores it, and drops the oldest beyond the cap. */
    private synchronized void append(Document entry) {
        last = Math.max(last + 1, now());
        entry.put("ts", new BsonTimestamp(last));
        entries.put(last, entry);
        while (entries.sizeAsLong() > maxEntries) {
            Long oldest = entries.firstKey();
            entries.remove(oldest);
            meta.put(FLOOR, oldest);
        }
    }

    /** A timestamp for this second with increment 0, as a BSON timestamp's 64-bit value. */
    private long now() {
        return clock.instant().getEpochSecond() << 32;
    }

    private static long value(OplogPosition position) {
        return Long.parseUnsignedLong(position.toHexString(), 16);
    }

    @Override
    public String toString() {
        return "CappedOplog[" + entries.sizeAsLong() + " of " + maxEntries + " entries]";
    }
}
