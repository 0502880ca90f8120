package dev.triage.localstack.llm;

import dev.triage.core.json.Json;
import dev.triage.core.model.Classification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A test device, never a quality claim: makes the {@link LlmSimulator} answer the <em>expected</em>
 * labels of the conversations of an answers file (the file {@code triage eval} reads, see
 * {@link AnswersFile}) with probability {@code accuracy}, so that end-to-end tests of
 * {@code triage eval} and of the classification cascade know what score to find.
 *
 * <p>Matching: the prompt's conversation ({@link PromptConversation}) is compared, text by
 * normalised text, with the file's conversations; when the prompt says N earlier turns were
 * omitted, it matches the conversation of N + k turns whose last k are the kept ones. The first
 * match in file order wins. A newest turn cut to fit the prompt does not match, nor does any other
 * conversation: those get the simulator's usual answer, and are counted as misses.
 *
 * <p>Right or wrong is decided per conversation as a whole: with probability {@code accuracy} all
 * three expected labels, otherwise all three different from the expected ones, each drawn from the
 * labels of that kind seen in the file. So per-label accuracy and exact-match accuracy both come to
 * {@code accuracy} over many conversations. The draws are a hash of the seed and the matched
 * conversation's texts, not dice: retries get the same answer, and so does a prompt that kept
 * fewer turns, and a run is reproducible.
 */
public final class LabelOracle {

    private static final Logger LOG = LoggerFactory.getLogger(LabelOracle.class);

    /** No answers file: every conversation gets the simulator's usual answer, and nothing is counted. */
    public static final LabelOracle NONE = new LabelOracle(List.of(), 1.0);

    private final double accuracy;
    private final Map<List<String>, LabelledConversation> byTexts = new HashMap<>();
    private final Map<String, List<LabelledConversation>> byLastText = new HashMap<>();
    private final List<String> intents;
    private final List<String> topics;
    private final List<String> sentiments;

    private LabelOracle(List<LabelledConversation> conversations, double accuracy) {
        if (!(accuracy >= 0 && accuracy <= 1)) {
            throw new IllegalArgumentException("accuracy must be between 0 and 1, was " + accuracy);
        }
        this.accuracy = accuracy;
        for (LabelledConversation c : conversations) {
            byTexts.putIfAbsent(c.texts(), c);
            byLastText.computeIfAbsent(c.texts().get(c.texts().size() - 1), k -> new ArrayList<>()).add(c);
        }
        this.intents = seen(conversations, Classification::intent, "intent");
        this.topics = seen(conversations, Classification::topic, "topic");
        this.sentiments = seen(conversations, Classification::sentiment, "sentiment");
    }

    /**
     * Reads {@code answers} (see {@link AnswersFile}); answers their expected labels with probability
     * {@code accuracy} (0 to 1). Fails with an {@link IllegalArgumentException} naming the file and
     * line of the first bad entry, or when {@code accuracy < 1} and a label kind has a single value
     * in the file (then no wrong answer could be drawn from it).
     */
    public static LabelOracle load(Path answers, double accuracy) {
        List<LabelledConversation> conversations = AnswersFile.read(answers);
        LabelOracle oracle = new LabelOracle(conversations, accuracy);
        LOG.info("Label oracle (a test device): {} conversations from {}, {} distinct, expected labels answered with probability {}",
                conversations.size(), answers, oracle.byTexts.size(), accuracy);
        return oracle;
    }

    /** False for {@link #NONE}. */
    public boolean isOn() {
        return !byTexts.isEmpty();
    }

    /** The labels to answer to a prompt whose first user message is {@code firstUserMessage}; empty when no conversation matches. */
    Optional<Classification> answer(String firstUserMessage, long seed) {
        return PromptConversation.of(firstUserMessage).flatMap(this::match).map(c -> answer(c, seed));
    }

    private Optional<LabelledConversation> match(PromptConversation asked) {
        if (asked.omitted() == 0) {
            return Optional.ofNullable(byTexts.get(asked.texts()));
        }
        int kept = asked.texts().size();
        int size = asked.omitted() + kept;
        return byLastText.getOrDefault(asked.texts().get(kept - 1), List.of()).stream()
                .filter(c -> c.texts().size() == size && c.texts().subList(size - kept, size).equals(asked.texts()))
                .findFirst();
    }

    private Classification answer(LabelledConversation c, long seed) {
        String key = seed + "\n" + Json.encodeToString(c.texts()) + "\n";
        Classification expected = c.expected();
        if (chance(key + "right") < accuracy) {
            return expected;
        }
        return new Classification(other(intents, expected.intent(), chance(key + "intent")),
                other(topics, expected.topic(), chance(key + "topic")),
                other(sentiments, expected.sentiment(), chance(key + "sentiment")));
    }

    private static String other(List<String> labels, String expected, double draw) {
        List<String> others = labels.stream().filter(l -> !l.equals(expected)).toList();
        return others.get((int) (draw * others.size()));
    }

    private List<String> seen(List<LabelledConversation> conversations, Function<Classification, String> kind, String name) {
        TreeSet<String> labels = new TreeSet<>();
        conversations.forEach(c -> labels.add(kind.apply(c.expected())));
        if (accuracy < 1 && labels.size() < 2) {
            throw new IllegalArgumentException("an accuracy below 1 needs at least two different " + name
                    + " labels in the answers file to answer wrongly from, found " + labels);
        }
        return List.copyOf(labels);
    }

    /** Uniform in [0, 1), from the SHA-256 of {@code text}. */
    private static double chance(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every JVM must have", e);
        }
    }
}
