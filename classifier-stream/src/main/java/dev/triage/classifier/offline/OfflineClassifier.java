package dev.triage.classifier.offline;

import dev.triage.classifier.Classifier;
import dev.triage.classifier.Labels;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Message;
import dev.triage.core.taxonomy.Taxonomy;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A deterministic keyword classifier over the default taxonomy, so the pipeline works with no
 * model at all. Results say {@code model: offline}. It reads what the customer wrote (agent turns
 * are ignored: "sorry for the trouble" from an agent is not the customer's sentiment); each label
 * scores one point per keyword found at a word start, the highest score wins, ties go to the
 * earlier rule, and no hit at all gives {@code other} / {@code neutral}. A conversation with no
 * intent keyword but a question is an {@code information_request}.
 */
public final class OfflineClassifier implements Classifier {

    public static final String MODEL = "offline";

    private final Taxonomy taxonomy = Taxonomy.defaults();

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public String taxonomyVersion() {
        return taxonomy.version();
    }

    @Override
    public CompletableFuture<Labels> classify(ConversationEnvelope conversation) {
        return CompletableFuture.completedFuture(new Labels(label(conversation.messages()), 1, 0, null));
    }

    /** The labels of a conversation; pure and deterministic. */
    public Classification label(List<Message> messages) {
        String text = customerText(messages);
        String intent = KeywordRules.INTENTS.best(text, KeywordRules.QUESTIONS.best(text, "other"));
        String topic = KeywordRules.TOPICS.best(text, "other");
        String sentiment = KeywordRules.SENTIMENTS.best(text, "neutral");
        return new Classification(intent, topic, sentiment);
    }

    private static String customerText(List<Message> messages) {
        List<Message> customer = messages.stream().filter(m -> !isAgent(m.sender())).toList();
        List<Message> source = customer.isEmpty() ? messages : customer;
        return " " + source.stream().map(Message::text).collect(Collectors.joining(" \n "))
                .toLowerCase(Locale.ROOT) + " ";
    }

    private static boolean isAgent(String sender) {
        String s = sender.toLowerCase(Locale.ROOT);
        return s.equals("agent") || s.equals("assistant") || s.equals("support") || s.equals("bot");
    }
}
