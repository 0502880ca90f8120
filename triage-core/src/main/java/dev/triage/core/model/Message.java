package dev.triage.core.model;

import java.util.Objects;

/** One turn of a conversation: who spoke ({@code customer}, {@code agent}, ...) and what was said. */
public record Message(String sender, String text) {
    public Message {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(text, "text");
    }
}
