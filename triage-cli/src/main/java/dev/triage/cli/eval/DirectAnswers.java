package dev.triage.cli.eval;

import dev.triage.classifier.Classifier;
import dev.triage.classifier.Labels;
import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Provenance;
import dev.triage.core.model.Source;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Answers from a classifier in this process (no Kafka), with the cost its {@link Labels} report. */
final class DirectAnswers {

    private DirectAnswers() {
    }

    static Function<LabelledConversation, CompletableFuture<Answer>> of(Classifier classifier) {
        return conversation -> classifier.classify(envelope(conversation)).thenApply(DirectAnswers::answer);
    }

    static ConversationEnvelope envelope(LabelledConversation conversation) {
        return ConversationEnvelope.of(conversation.id(), IdType.STRING, Source.API, conversation.messages(), Map.of(),
                Instant.now());
    }

    /** Model calls and tokens count only for LLM answers not taken from the cache: those are the ones paid for. */
    static Answer answer(Labels labels) {
        Provenance provenance = labels.provenance();
        String tier = provenance == null ? null : provenance.tier();
        boolean cached = provenance != null && provenance.cached();
        boolean paid = Provenance.LLM.equals(tier) && !cached;
        Long tokens = paid && labels.tokens() != null ? (long) labels.tokens().prompt() + labels.tokens().completion() : null;
        Double minConfidence = provenance == null || provenance.confidence() == null || provenance.confidence().isEmpty()
                ? null : provenance.confidence().values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        return new Answer(labels(labels.classification()), tier, cached, paid ? labels.attempts() : 0, tokens, minConfidence);
    }

    static Map<String, String> labels(Classification c) {
        return Map.of("intent", c.intent(), "topic", c.topic(), "sentiment", c.sentiment());
    }
}
