package dev.triage.core.model;

import java.util.Objects;
import java.util.regex.Pattern;

/** One turn of a conversation: who spoke ({@code customer}, {@code agent}, ...) and what was said. */
public record Message(String sender, String text) {

    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Z}\\s]*");

    public Message {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(text, "text");
    }

    /**
     * True when {@code text} shows nothing: only whitespace, control and format characters (zero-width
     * spaces, ...), which {@link String#isBlank()} lets through. There is nothing to classify in it.
     */
    public static boolean isEmptyText(String text) {
        return INVISIBLE.matcher(text).matches();
    }
}
