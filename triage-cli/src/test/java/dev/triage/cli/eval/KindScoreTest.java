package dev.triage.cli.eval;

import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.core.model.Message;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KindScoreTest {

    @Test
    void macroF1PrecisionAndRecallAsWorkedOutByHand() {
        // a->a, a->b, b->b, b->(failed), c->b
        KindScore score = KindScore.of("intent", List.of("a", "a", "b", "b", "c"), Arrays.asList("a", "b", "b", null, "b"));

        assertThat(score.accuracy()).isEqualTo(0.4);
        assertThat(score.labels()).extracting(KindScore.LabelScore::label).containsExactly("a", "b", "c");
        KindScore.LabelScore a = score.labels().get(0);
        KindScore.LabelScore b = score.labels().get(1);
        KindScore.LabelScore c = score.labels().get(2);
        assertThat(a.precision()).isEqualTo(1.0);
        assertThat(a.recall()).isEqualTo(0.5);
        assertThat(a.f1()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(b.precision()).isCloseTo(1.0 / 3, within(1e-9)); // predicted 3 times, right once
        assertThat(b.recall()).isEqualTo(0.5); // the failure is a miss
        assertThat(b.f1()).isCloseTo(0.4, within(1e-9));
        // never predicted: precision 0, not NaN, and it still takes part in the average
        assertThat(c.precision()).isZero();
        assertThat(c.recall()).isZero();
        assertThat(c.support()).isEqualTo(1);
        assertThat(score.macroF1()).isCloseTo((2.0 / 3 + 0.4 + 0) / 3, within(1e-9));
    }

    @Test
    void theConfusionMatrixHasExpectedRowsPredictedColumnsAndAFailedColumn() {
        KindScore score = KindScore.of("intent", List.of("a", "a", "b", "b", "c"), Arrays.asList("a", "b", "b", null, "b"));

        assertThat(score.count("a", "a")).isEqualTo(1);
        assertThat(score.count("a", "b")).isEqualTo(1);
        assertThat(score.count("b", "a")).isZero();
        assertThat(score.count("b", KindScore.FAILED)).isEqualTo(1);
        assertThat(score.count("c", "b")).isEqualTo(1);
        assertThat(score.confusion().values().stream().flatMap(r -> r.values().stream()).mapToInt(Integer::intValue).sum())
                .isEqualTo(5);
    }

    @Test
    void aLabelPredictedButNeverExpectedCountsInTheMacroAverage() {
        KindScore score = KindScore.of("topic", List.of("a", "b"), List.of("d", "b"));

        assertThat(score.labels()).extracting(KindScore.LabelScore::label).containsExactly("a", "b", "d");
        assertThat(score.labels().get(2).support()).isZero();
        assertThat(score.labels().get(2).precision()).isZero();
        assertThat(score.macroF1()).isCloseTo(1.0 / 3, within(1e-9));
    }

    @Test
    void allThreeIsOnlyGivenWhenEveryConversationHasAllThreeKinds() {
        Outcome full = Outcome.answered(conversation(Map.of("intent", "x", "topic", "y", "sentiment", "z")),
                answer("x", "y", "z"), 1);
        Outcome wrongTopic = Outcome.answered(conversation(Map.of("intent", "x", "topic", "y", "sentiment", "z")),
                answer("x", "q", "z"), 1);
        Outcome intentOnly = Outcome.answered(conversation(Map.of("intent", "x")), answer("x", "q", "q"), 1);

        Scores both = Scores.of(List.of(full, wrongTopic));
        Scores mixed = Scores.of(List.of(full, intentOnly));

        assertThat(both.allThree()).isEqualTo(0.5);
        assertThat(both.kinds()).extracting(KindScore::kind).containsExactly("intent", "topic", "sentiment");
        assertThat(mixed.allThree()).isNull();
        assertThat(mixed.kinds().get(0).total()).isEqualTo(2);
        assertThat(mixed.kinds().get(1).total()).isEqualTo(1); // topic only where it is labelled
    }

    static LabelledConversation conversation(Map<String, String> expected) {
        return new LabelledConversation("c", List.of(new Message("customer", "hello")), expected);
    }

    static Answer answer(String intent, String topic, String sentiment) {
        return new Answer(Map.of("intent", intent, "topic", topic, "sentiment", sentiment), "llm", false, 1, null, null);
    }
}
