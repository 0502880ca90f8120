package dev.triage.localstack.llm;

import dev.triage.core.json.Json;
import dev.triage.core.model.Classification;
import dev.triage.localstack.llm.LabelledFiles.Labelled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The oracle without a server: reading the answers file, matching prompts, the right and wrong answers. */
class LabelOracleTest {

    @TempDir
    Path dir;

    private static final Labelled PARCEL = new Labelled("1", List.of("Where is my   PARCEL?", "It left yesterday.", "It is late!"),
            new Classification("order_status", "delivery", "negative"));
    private static final Labelled REFUND = new Labelled("2", List.of("I want my money back"),
            new Classification("refund_request", "billing", "neutral"));

    @Test
    void aBadLineStopsTheReadingWithTheFileAndItsLineNumber() {
        Path file = LabelledFiles.write(dir.resolve("bad.jsonl"),
                Json.encodeToString(PARCEL.entry()) + "\n\n{\"messages\": [{\"text\": \"hi\"}], \"expected\": \n");

        assertThatThrownBy(() -> LabelOracle.load(file, 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("answers file " + file + " line 3 is not valid JSON");
    }

    @Test
    void anEntryWithoutALabelOrATextIsNamedByItsLineOrItem() {
        Path noTopic = LabelledFiles.write(dir.resolve("a.jsonl"), Json.encodeToString(PARCEL.entry()) + "\n"
                + "{\"messages\": [{\"text\": \"hi\"}], \"expected\": {\"intent\": \"question\", \"sentiment\": \"neutral\"}}\n");
        Path noText = LabelledFiles.write(dir.resolve("b.json"), "[" + Json.encodeToString(REFUND.entry())
                + ",\n {\"messages\": [{\"sender\": \"customer\"}], \"expected\": {}}]");

        assertThatThrownBy(() -> LabelOracle.load(noTopic, 1.0))
                .hasMessage("answers file " + noTopic + " line 2: expected.topic must be a non-empty string");
        assertThatThrownBy(() -> LabelOracle.load(noText, 1.0))
                .hasMessage("answers file " + noText + " item 2: messages[0].text must be a non-empty string");
    }

    @Test
    void anEmptyOrMissingFileAndAnAccuracyOutOfRangeAreRefused() {
        Path empty = LabelledFiles.write(dir.resolve("empty.jsonl"), "\n  \n");
        Path good = LabelledFiles.jsonLines(dir.resolve("good.jsonl"), List.of(PARCEL, REFUND));

        assertThatThrownBy(() -> LabelOracle.load(empty, 1.0)).hasMessageContaining("holds no conversations");
        assertThatThrownBy(() -> LabelOracle.load(dir.resolve("nope.jsonl"), 1.0)).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> LabelOracle.load(good, 1.5)).hasMessage("accuracy must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> LabelOracle.load(good, Double.NaN)).hasMessageContaining("was NaN");
    }

    @Test
    void wrongAnswersNeedTwoLabelsOfEachKind() {
        Labelled sameTopic = new Labelled("3", List.of("bill is wrong"), new Classification("complaint", "billing", "negative"));
        Path file = LabelledFiles.jsonLines(dir.resolve("one-topic.jsonl"), List.of(REFUND, sameTopic));

        assertThat(LabelOracle.load(file, 1.0).isOn()).isTrue();
        assertThatThrownBy(() -> LabelOracle.load(file, 0.5))
                .hasMessage("an accuracy below 1 needs at least two different topic labels in the answers file to answer "
                        + "wrongly from, found [billing]");
    }

    @Test
    void textsMatchWhateverTheirWhitespaceAndCaseAndTheSendersDoNotMatter() {
        LabelOracle oracle = LabelOracle.load(LabelledFiles.jsonArray(dir.resolve("a.json"), List.of(PARCEL, REFUND)), 1.0);
        List<Map<String, String>> retyped = List.of(Map.of("sender", "agent", "text", " where is\tmy parcel? "),
                Map.of("sender", "customer", "text", "IT LEFT YESTERDAY."), Map.of("sender", "x", "text", "it  is\nlate!"));

        assertThat(oracle.answer(LabelledFiles.userMessage("", retyped, 0), 1)).contains(PARCEL.expected());
        assertThat(oracle.answer(LabelledFiles.userMessage("", retyped.subList(0, 2), 0), 1)).isEmpty();
        assertThat(oracle.answer("where is my parcel?", 1)).isEmpty();
    }

    @Test
    void aWrongAnswerDiffersInAllThreeLabelsAndIsTheSameEachTime() {
        LabelOracle oracle = LabelOracle.load(LabelledFiles.jsonLines(dir.resolve("a.jsonl"), List.of(PARCEL, REFUND)), 0.0);

        Classification wrong = oracle.answer(LabelledFiles.userMessage(PARCEL), 7).orElseThrow();

        assertThat(wrong).isEqualTo(new Classification("refund_request", "billing", "neutral")); // the only other labels
        assertThat(oracle.answer(LabelledFiles.userMessage(PARCEL), 7)).contains(wrong);
    }

    @Test
    void notesOnOmittedTurnsAndExamplesAreReadOnlyBeforeTheConversation() {
        String message = "<examples>\n<conversation>\n[{\"sender\":\"customer\",\"text\":\"I want my money back\"}]\n"
                + "</conversation>\n(9 earlier messages omitted)\n</examples>\n"
                + LabelledFiles.userMessage("", PARCEL.messages().subList(1, 3), 1);

        PromptConversation asked = PromptConversation.of(message).orElseThrow();

        assertThat(asked.texts()).containsExactly("it left yesterday.", "it is late!");
        assertThat(asked.omitted()).isEqualTo(1);
    }
}
