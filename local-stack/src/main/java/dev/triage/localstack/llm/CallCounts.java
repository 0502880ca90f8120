package dev.triage.localstack.llm;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chat calls per conversation ({@link ConversationKey}), so that a test can see a conversation the
 * model was asked about twice: answered (200) and faulted (any other answer) apart. Only calls the
 * simulator answered count; a hung call does not. Memory grows by about 100 bytes per distinct
 * conversation; {@link #summary(int)} lists at most the number of conversations asked for.
 * Thread-safe.
 */
final class CallCounts {

    private final ConcurrentHashMap<String, PerConversation> byConversation = new ConcurrentHashMap<>();

    /** Counts one answer of {@code status} to a call about {@code conversation}. */
    void record(String conversation, int status) {
        PerConversation counts = byConversation.computeIfAbsent(conversation, k -> new PerConversation());
        (status == 200 ? counts.answered : counts.faulted).incrementAndGet();
    }

    /** The totals, and the {@code top} conversations with the most calls (none when 0). */
    CallSummary summary(int top) {
        long answered = 0;
        long faulted = 0;
        int repeated = 0;
        int answeredMoreThanOnce = 0;
        int maxCalls = 0;
        int maxAnswered = 0;
        for (PerConversation c : byConversation.values()) {
            int a = c.answered.get();
            int calls = a + c.faulted.get();
            answered += a;
            faulted += c.faulted.get();
            repeated += calls > 1 ? 1 : 0;
            answeredMoreThanOnce += a > 1 ? 1 : 0;
            maxCalls = Math.max(maxCalls, calls);
            maxAnswered = Math.max(maxAnswered, a);
        }
        Map<String, CallSummary.Calls> most = new LinkedHashMap<>();
        byConversation.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), new CallSummary.Calls(e.getValue().answered.get(), e.getValue().faulted.get())))
                .sorted(Comparator.comparingInt((Map.Entry<String, CallSummary.Calls> e) -> e.getValue().calls()).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(top)
                .forEach(e -> most.put(e.getKey(), e.getValue()));
        return new CallSummary(byConversation.size(), answered + faulted, answered, faulted, repeated, answeredMoreThanOnce,
                maxCalls, maxAnswered, most);
    }

    void reset() {
        byConversation.clear();
    }

    private static final class PerConversation {
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger faulted = new AtomicInteger();
    }
}
