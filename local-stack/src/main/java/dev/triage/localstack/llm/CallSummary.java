package dev.triage.localstack.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chat calls the simulator answered, per conversation ({@link ConversationKey}); served as JSON
 * by {@code GET /calls} (snake_case names).
 *
 * @param conversations        distinct conversations called about
 * @param calls                calls answered, whatever the status
 * @param answered             calls answered 200
 * @param faulted              calls answered with another status (429, 500, 503, 400)
 * @param repeated             conversations called about more than once
 * @param answeredMoreThanOnce conversations answered 200 more than once: model work done twice
 * @param maxCalls             the most calls about one conversation
 * @param maxAnswered          the most 200 answers to one conversation
 * @param byConversation       the conversations with the most calls, as many as asked for
 */
public record CallSummary(
        long conversations,
        long calls,
        long answered,
        long faulted,
        long repeated,
        long answeredMoreThanOnce,
        int maxCalls,
        int maxAnswered,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Calls> byConversation) {

    public CallSummary {
        byConversation = Collections.unmodifiableMap(new LinkedHashMap<>(byConversation)); // most calls first
    }

    /** Calls about one conversation. */
    public record Calls(int answered, int faulted) {
        @JsonProperty("calls")
        public int calls() {
            return answered + faulted;
        }
    }
}
