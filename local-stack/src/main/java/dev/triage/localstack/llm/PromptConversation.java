package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The conversation a classifier's prompt carries, read back for the {@link LabelOracle}: the
 * {@link LabelledConversation#normalise normalised} texts of the JSON array between the
 * conversation markers ({@link ConversationKey#text}; few-shot examples before it are not read),
 * and how many earlier turns the prompt says it left out ("(N earlier messages omitted)" before
 * the conversation; 0 without that note).
 *
 * @param texts   the texts of the turns the prompt kept, oldest first
 * @param omitted the earlier turns left out
 */
record PromptConversation(List<String> texts, int omitted) {

    private static final Pattern OMITTED = Pattern.compile("\\((\\d{1,9}) earlier messages? omitted\\)");

    PromptConversation {
        texts = List.copyOf(texts);
    }

    /** Empty when the message holds no JSON array of objects with a string {@code text}: not a classifier's prompt. */
    static Optional<PromptConversation> of(String firstUserMessage) {
        JsonNode array;
        try {
            array = Json.tree(ConversationKey.text(firstUserMessage).getBytes(StandardCharsets.UTF_8));
        } catch (PayloadException e) {
            return Optional.empty();
        }
        if (!array.isArray() || array.isEmpty()) {
            return Optional.empty();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode message : array) {
            if (!message.path("text").isTextual()) {
                return Optional.empty();
            }
            texts.add(LabelledConversation.normalise(message.path("text").asText()));
        }
        Matcher note = OMITTED.matcher(ConversationKey.preamble(firstUserMessage));
        return Optional.of(new PromptConversation(texts, note.find() ? Integer.parseInt(note.group(1)) : 0));
    }
}
