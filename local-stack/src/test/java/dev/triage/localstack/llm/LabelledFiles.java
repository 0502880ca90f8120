package dev.triage.localstack.llm;

import dev.triage.core.json.Json;
import dev.triage.core.model.Classification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/** Labelled conversations generated for the oracle's tests, the answers files that hold them, and the prompts that ask about them. */
final class LabelledFiles {

    static final List<String> INTENTS = List.of("refund_request", "order_status", "complaint", "cancel_order", "question");
    static final List<String> TOPICS = List.of("delivery", "billing", "product", "account");
    static final List<String> SENTIMENTS = List.of("negative", "neutral", "positive");

    /** A conversation as the answers file holds it. */
    record Labelled(String number, List<String> texts, Classification expected) {

        /** The messages, customer and agent taking turns. */
        List<Map<String, String>> messages() {
            return IntStream.range(0, texts.size())
                    .mapToObj(i -> Map.of("sender", i % 2 == 0 ? "customer" : "agent", "text", texts.get(i))).toList();
        }

        Map<String, Object> entry() {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("conversation_number", number);
            entry.put("channel", "chat");
            entry.put("messages", messages());
            entry.put("expected", Map.of("intent", expected.intent(), "topic", expected.topic(), "sentiment", expected.sentiment()));
            entry.put("notes", "an unknown field, ignored");
            return entry;
        }
    }

    private LabelledFiles() {
    }

    /** {@code count} distinct conversations of 1 to 4 turns, labels drawn at random from the lists above. */
    static List<Labelled> generate(int count, long seed) {
        Random random = new Random(seed);
        List<Labelled> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> texts = new ArrayList<>();
            int turns = 1 + random.nextInt(4);
            for (int t = 0; t < turns; t++) {
                texts.add("Ticket " + i + " turn " + t + ": my order " + random.nextInt(100_000) + " has <b>not</b> arrived");
            }
            all.add(new Labelled("c-" + i, texts, new Classification(pick(INTENTS, random), pick(TOPICS, random),
                    pick(SENTIMENTS, random))));
        }
        return all;
    }

    static Path jsonLines(Path file, List<Labelled> conversations) {
        return write(file, String.join("\n", conversations.stream().map(c -> Json.encodeToString(c.entry())).toList()) + "\n");
    }

    static Path jsonArray(Path file, List<Labelled> conversations) {
        return write(file, Json.encodeToString(conversations.stream().map(Labelled::entry).toList()));
    }

    static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first user message the classifier sends (as {@code classifier.llm.Prompt} builds it): the
     * kept turns as a JSON array with {@code <} and {@code >} escaped, between the markers, after a
     * note on the {@code omitted} earlier turns, and after {@code examples} (may be empty).
     */
    static String userMessage(String examples, List<Map<String, String>> kept, int omitted) {
        String json = Json.encodeToString(kept).replace("<", "\\u003c").replace(">", "\\u003e");
        String note = omitted == 0 ? "" : "(" + omitted + " earlier messages omitted)\n";
        return examples + "Classify this customer-support conversation.\n" + note + "<conversation>\n" + json + "\n</conversation>";
    }

    static String userMessage(Labelled conversation) {
        return userMessage("", conversation.messages(), 0);
    }

    private static String pick(List<String> labels, Random random) {
        return labels.get(random.nextInt(labels.size()));
    }
}
