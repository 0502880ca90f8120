package dev.triage.cli.eval;

import dev.triage.classifier.learned.LabelledConversation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CascadeCurveTest {

    private static final Map<String, String> RIGHT = Map.of("intent", "i", "topic", "t", "sentiment", "s");
    private static final LabelledConversation CASE = KindScoreTest.conversation(RIGHT);

    // learned: sure and right, fairly sure and wrong, unsure and right, failed
    private final List<Outcome> learned = List.of(learned(0.95, true), learned(0.7, false), learned(0.4, true),
            Outcome.failed(CASE, "boom", 1));
    // LLM: right, wrong, right, right after two calls
    private final List<Outcome> llm = List.of(llm(true, 1), llm(false, 1), llm(true, 1), llm(true, 2));

    @Test
    void atZeroTheLearnedClassifierAnswersEverythingAndNoLlmCallIsMade() {
        CascadeCurve.Point p = CascadeCurve.at(0.0, learned, llm);

        assertThat(p.llmCallsPerConversation()).isZero();
        assertThat(p.learnedShare()).isEqualTo(1.0);
        assertThat(p.accuracy()).containsEntry("intent", 0.5); // its failure is wrong
        assertThat(p.allThree()).isEqualTo(0.5);
    }

    @Test
    void inBetweenTheLeastSureLabelDecidesWhoAnswers() {
        CascadeCurve.Point half = CascadeCurve.at(0.5, learned, llm);
        CascadeCurve.Point high = CascadeCurve.at(0.9, learned, llm);

        assertThat(half.learnedShare()).isEqualTo(0.5);
        assertThat(half.accuracy()).containsEntry("topic", 0.75);
        assertThat(half.llmCallsPerConversation()).isEqualTo(0.75); // 1 + 2 calls for the last two
        assertThat(CascadeCurve.at(0.7, learned, llm).learnedShare()).isEqualTo(0.5); // >= threshold answers
        assertThat(high.learnedShare()).isEqualTo(0.25);
        assertThat(high.accuracy()).containsEntry("sentiment", 0.75);
        assertThat(high.llmCallsPerConversation()).isEqualTo(1.0);
    }

    @Test
    void aboveOneTheLlmAnswersEverything() {
        List<CascadeCurve.Point> curve = CascadeCurve.of(learned, llm);

        CascadeCurve.Point last = curve.get(curve.size() - 1);
        assertThat(curve).extracting(CascadeCurve.Point::threshold).containsExactlyElementsOf(CascadeCurve.THRESHOLDS);
        assertThat(last.threshold()).isEqualTo(1.01);
        assertThat(last.learnedShare()).isZero();
        assertThat(last.llmCallsPerConversation()).isEqualTo(1.25);
        assertThat(last.accuracy()).containsEntry("intent", 0.75);
    }

    private static Outcome learned(double confidence, boolean right) {
        return Outcome.answered(CASE, new Answer(right ? RIGHT : wrong(), "learned", false, 0, null, confidence), 1);
    }

    private static Outcome llm(boolean right, int calls) {
        return Outcome.answered(CASE, new Answer(right ? RIGHT : wrong(), "llm", false, calls, null, null), 1);
    }

    private static Map<String, String> wrong() {
        return Map.of("intent", "x", "topic", "x", "sentiment", "x");
    }
}
