package dev.triage.gateway.relay;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import org.bson.BsonArray;
import org.bson.BsonDocument;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells when the server has opened a change stream: completes when an {@code aggregate} command
 * with a {@code $changeStream} stage succeeds. From then on no insert can be missed, so the relay
 * waits for it before its catch-up scan. Registered on the relay's own MongoDB client.
 */
public final class ChangeStreamOpened implements CommandListener {

    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final Set<Integer> changeStreamRequests = ConcurrentHashMap.newKeySet();

    public CompletableFuture<Void> future() {
        return opened;
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        if ("aggregate".equals(event.getCommandName()) && isChangeStream(event.getCommand())) {
            changeStreamRequests.add(event.getRequestId());
        }
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        if (changeStreamRequests.remove(event.getRequestId())) {
            opened.complete(null);
        }
    }

    private static boolean isChangeStream(BsonDocument command) {
        BsonArray pipeline = command.getArray("pipeline", new BsonArray());
        return pipeline.stream().anyMatch(stage -> stage.isDocument() && stage.asDocument().containsKey("$changeStream"));
    }
}
