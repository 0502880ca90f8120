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
 * the whole first user message when it has no such markers. Retries and correction turns repeat
 * the first user message, so they share its key; two conversations with identical text share a
 * key too, as the simulator cannot tell them apart.
 */
final class ConversationKey {

    private static final String OPEN = "<conversation>";
    private static final String CLOSE = "</conversation>";

    private ConversationKey() {
    }

    static String of(JsonNode request) {
        return hash(text(AdmissionPolicy.conversation(request)));
    }

    static String text(String firstUserMessage) {
        int open = firstUserMessage.indexOf(OPEN);
        int close = firstUserMessage.lastIndexOf(CLOSE);
        if (open < 0 || close < open) {
            return firstUserMessage;
        }
        return firstUserMessage.substring(open + OPEN.length(), close).strip();
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
