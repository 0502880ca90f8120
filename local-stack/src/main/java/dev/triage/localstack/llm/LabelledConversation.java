package dev.triage.localstack.llm;

import dev.triage.core.model.Classification;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One conversation of an answers file, as the {@link LabelOracle} matches it: the normalised texts
 * of its messages, in order, and the labels it is expected to get.
 *
 * @param where    "line 4" or "item 7" (both from 1), for messages about it
 * @param texts    the messages' texts, {@link #normalise normalised}; senders play no part in matching
 * @param expected the labels {@code triage eval} expects
 */
record LabelledConversation(String where, List<String> texts, Classification expected) {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    LabelledConversation {
        texts = List.copyOf(texts);
    }

    /**
     * The form two texts are compared in: runs of whitespace made one space, ends trimmed, lower
     * case, so that a prompt that re-wraps or re-cases a text still matches.
     */
    static String normalise(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }
}
