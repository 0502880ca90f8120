package dev.triage.cli.eval;

import dev.triage.classifier.learned.LabelledConversation;

/**
 * One labelled conversation after classification: its answer, or why there is none. A failure is
 * kept and scored as a wrong answer for every kind, never dropped.
 *
 * @param conversation the labelled conversation
 * @param answer       the answer, null when it failed
 * @param failure      why it failed, null when answered
 * @param latencyMs    from sending it to the answer or the failure
 */
record Outcome(LabelledConversation conversation, Answer answer, String failure, long latencyMs) {

    static Outcome answered(LabelledConversation conversation, Answer answer, long latencyMs) {
        return new Outcome(conversation, answer, null, latencyMs);
    }

    static Outcome failed(LabelledConversation conversation, String failure, long latencyMs) {
        return new Outcome(conversation, null, failure, latencyMs);
    }

    boolean isFailed() {
        return answer == null;
    }

    /** The label given for {@code kind}, null when it failed. */
    String got(String kind) {
        return answer == null ? null : answer.labels().get(kind);
    }

    /** True when answered and every labelled kind is right. */
    boolean allRight() {
        return answer != null && conversation.expected().entrySet().stream()
                .allMatch(e -> e.getValue().equals(answer.labels().get(e.getKey())));
    }
}
