package dev.triage.classifier;

import dev.triage.core.model.ConversationEnvelope;

import java.util.concurrent.CompletableFuture;

/**
 * Labels one conversation. Implementations are asynchronous so that many calls can be in flight;
 * a future that fails with {@link dev.triage.core.json.PayloadException} means the record itself
 * is at fault (it is dead-lettered), any other failure is treated as transient. Closing releases
 * what it registered (meters); it does not stop calls in flight.
 */
public interface Classifier extends AutoCloseable {

    /** The model name written into every result ({@code offline} for the keyword classifier). */
    String model();

    /** The taxonomy version written into every result. */
    String taxonomyVersion();

    CompletableFuture<Labels> classify(ConversationEnvelope conversation);

    /**
     * Completes normally when the model server answers a conversation known to be harmless, so the
     * worker can tell a conversation the server keeps failing from a server that fails everyone.
     */
    default CompletableFuture<Void> probe() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    default void close() {
    }
}
