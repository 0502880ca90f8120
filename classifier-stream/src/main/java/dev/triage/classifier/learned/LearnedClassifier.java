package dev.triage.classifier.learned;

import dev.triage.classifier.Classifier;
import dev.triage.classifier.Labels;
import dev.triage.classifier.RecordRejectedException;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Message;
import dev.triage.core.model.Provenance;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The classifier that needs no model server: a {@link LearnedModel} trained at start-up. Results say
 * {@code model: learned:bge-small-en-v1.5-q} and carry the probability of each label. The embedding is
 * CPU work of a few milliseconds, so it runs on this classifier's own threads, one per core, never on
 * the worker's thread; closing stops them.
 */
public final class LearnedClassifier implements Classifier {

    public static final String MODEL = "learned:" + SentenceEncoder.NAME;

    private final LearnedModel model;
    private final String taxonomyVersion;
    private final int maxConversationChars;
    private final ExecutorService executor;

    /** @param maxConversationChars {@code CONVERSATION_MAX_CHARS}: larger conversations are the record's fault */
    public LearnedClassifier(LearnedModel model, String taxonomyVersion, int maxConversationChars) {
        this.model = model;
        this.taxonomyVersion = taxonomyVersion;
        this.maxConversationChars = maxConversationChars;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "learned-classifier-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public String taxonomyVersion() {
        return taxonomyVersion;
    }

    @Override
    public CompletableFuture<Labels> classify(ConversationEnvelope conversation) {
        return predict(conversation).thenApply(p -> labels(p));
    }

    /** The prediction with its confidences and embedding, for a cascade or a few-shot prompt. */
    public CompletableFuture<LearnedModel.Prediction> predict(ConversationEnvelope conversation) {
        long chars = conversation.messages().stream().mapToLong(m -> m.text().length()).sum();
        if (chars > maxConversationChars) {
            return CompletableFuture.failedFuture(new RecordRejectedException(ErrorCode.CONVERSATION_TOO_LARGE,
                    "conversation has " + chars + " characters, more than CONVERSATION_MAX_CHARS=" + maxConversationChars
                            + "; send it shorter", 0, null, 0, null));
        }
        try {
            return CompletableFuture.supplyAsync(() -> predict(conversation.messages()), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("the learned classifier is closed", e));
        }
    }

    /**
     * The model's answer. Whatever it throws is about this conversation (the model is in memory and
     * answered others): the record's fault, never an outage to wait out.
     */
    private LearnedModel.Prediction predict(List<Message> messages) {
        try {
            return model.predict(messages);
        } catch (RuntimeException e) {
            throw new RecordRejectedException(ErrorCode.INVALID_PAYLOAD, "the learned classifier cannot read this "
                    + "conversation: " + e, 0, MODEL, 0, null);
        }
    }

    public LearnedModel learnedModel() {
        return model;
    }

    /** The labels of {@code prediction} as this classifier's answer. */
    public static Labels labels(LearnedModel.Prediction prediction) {
        return new Labels(prediction.classification(), MODEL, 1, 0, null, Provenance.learned(prediction.confidence()));
    }

    /** Conversations already handed over are still answered (a few milliseconds each); new ones fail. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
