package dev.triage.classifier;

import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.classifier.learned.LearnedClassifier;
import dev.triage.classifier.llm.LlmClassifier;
import dev.triage.core.model.ConversationEnvelope;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The learned classifier in front of the LLM. The learned classifier reads every conversation first;
 * when it is at least {@code threshold} sure of all three labels it answers, otherwise the LLM does,
 * shown the {@code fewShot} labelled examples nearest the conversation. Without a threshold the LLM
 * answers everything and the learned model only picks its examples ({@code LLM_FEW_SHOT} alone).
 * Provenance says which tier answered. Outage and record failures are the LLM's, as without a cascade:
 * a conversation the learned classifier cannot read goes to the LLM as it is, without examples.
 */
public final class CascadeClassifier implements Classifier {

    private final LearnedClassifier learned;
    private final LlmClassifier llm;
    private final Double threshold;
    private final int fewShot;

    /** @param threshold null: the LLM answers every conversation */
    public CascadeClassifier(LearnedClassifier learned, LlmClassifier llm, Double threshold, int fewShot) {
        this.learned = learned;
        this.llm = llm;
        this.threshold = threshold;
        this.fewShot = fewShot;
    }

    @Override
    public String model() {
        return llm.model();
    }

    @Override
    public String taxonomyVersion() {
        return llm.taxonomyVersion();
    }

    @Override
    public CompletableFuture<Labels> classify(ConversationEnvelope conversation) {
        return learned.predict(conversation)
                .handle((prediction, failure) -> prediction)
                .thenCompose(p -> {
                    if (p == null) {
                        return llm.classify(conversation, List.of());
                    }
                    if (threshold != null && p.minConfidence() >= threshold) {
                        return CompletableFuture.completedFuture(LearnedClassifier.labels(p));
                    }
                    List<LabelledConversation> examples = fewShot == 0 ? List.of()
                            : learned.learnedModel().nearest(p.embedding(), fewShot);
                    return llm.classify(conversation, examples);
                });
    }

    @Override
    public CompletableFuture<Void> probe() {
        return llm.probe();
    }

    @Override
    public void close() {
        try (learned) {
            llm.close();
        }
    }
}
