package dev.triage.classifier.learned;

import dev.triage.core.model.Message;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The texts the learned classifier reads from a conversation. The embedding reads what the customer
 * wrote, since intent and sentiment are the customer's ("sorry for the trouble" from an agent is not
 * the customer's mood); the n-grams read every turn, since an agent's answer often names the topic.
 */
final class ConversationText {

    private static final Set<String> AGENTS = Set.of("agent", "assistant", "support", "bot");

    private ConversationText() {
    }

    /** The customer's turns, or all turns when no turn is the customer's. */
    static String customer(List<Message> messages) {
        List<Message> customer = messages.stream().filter(m -> !AGENTS.contains(m.sender().toLowerCase(Locale.ROOT))).toList();
        return join(customer.isEmpty() ? messages : customer);
    }

    static String all(List<Message> messages) {
        return join(messages);
    }

    private static String join(List<Message> messages) {
        return messages.stream().map(Message::text).collect(Collectors.joining("\n")).strip();
    }
}
