package dev.triage.classifier.learned;

import dev.triage.core.model.Message;

import java.util.List;
import java.util.Map;

/**
 * A conversation with the labels it should get: a training example, or a case to evaluate.
 *
 * @param id       its {@code conversation_number}, or where it stands in its file
 * @param messages its turns, at least one
 * @param expected label per kind ({@code intent}, {@code topic}, {@code sentiment}); a kind may be
 *                 missing (a BANKING77-style file has intents only)
 */
public record LabelledConversation(String id, List<Message> messages, Map<String, String> expected) {

    /** The kinds of label, in the order they are printed. */
    public static final List<String> KINDS = List.of("intent", "topic", "sentiment");

    public LabelledConversation {
        messages = List.copyOf(messages);
        expected = Map.copyOf(expected);
    }
}
