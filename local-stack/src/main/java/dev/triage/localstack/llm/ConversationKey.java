package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names the conversation a chat request is about, the same across retries: the first 16 hex digits
 * of the SHA-256 of the conversation text. That text is what the first user message holds between
 * {@code <conversation>} and {@code </conversation>} (how the classifier's prompt fences it), or
 * the whole first user message when it has no such markers. Few-shot examples fenced as
 * {@code <examples>...</examples>} before the conversation are not part of it: the markers are
 * looked for after the examples' end. Retries and correction turns repeat the first user message,
 * so they share its key; two conversations with identical text share a key too, as the simulator
 * cannot tell them apart.
 */
final class ConversationKey {

    private static final String OPEN = "<conversation>";
    private static final String CLOSE = "</conversation>";
    private static final String EXAMPLES_END = "</examples>";

    private ConversationKey() {
    }

    static String of(JsonNode request) {
        return hash(text(AdmissionPolicy.conversation(request)));
    }

    static String text(String firstUserMessage) {
        int open = open(firstUserMessage);
        int close = firstUserMessage.lastIndexOf(CLOSE);
        if (open < 0 || close < open) {
            return firstUserMessage;
        }
        return firstUserMessage.substring(open + OPEN.length(), close).strip();
    }

    /**
     * What stands between the end of the examples (or the start) and the conversation: the
     * instructions and the note on omitted turns; empty when there are no markers.
     */
    static String preamble(String firstUserMessage) {
        int open = open(firstUserMessage);
        return open < 0 ? "" : firstUserMessage.substring(examplesEnd(firstUserMessage), open);
    }

    /** Where the conversation's opening marker starts, after any examples; -1 when there is none. */
    private static int open(String firstUserMessage) {
        return firstUserMessage.indexOf(OPEN, examplesEnd(firstUserMessage));
    }

    /** The text inside the fences is JSON with {@code <} and {@code >} escaped, so the last closing fence is the real one. */
    private static int examplesEnd(String firstUserMessage) {
        int end = firstUserMessage.lastIndexOf(EXAMPLES_END);
        return end < 0 ? 0 : end + EXAMPLES_END.length();
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every JVM must have", e);
        }
    }
}
