package dev.triage.core.model;

import java.util.Objects;

/** The three labels given to a conversation; each is a name from the taxonomy. */
public record Classification(String intent, String topic, String sentiment) {
    public Classification {
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(sentiment, "sentiment");
    }
}
