package dev.triage.classifier.learned;

import dev.triage.core.config.ConfigException;
import dev.triage.core.model.Message;
import dev.triage.core.taxonomy.Taxonomy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading labelled conversations from files the test writes: every shape, and every way a file can be wrong. */
class LabelledFileTest {

    private static final Taxonomy TAXONOMY = Taxonomy.defaults();

    @TempDir
    Path dir;

    @Test
    void jsonLinesAreReadWithTheirTurnsLabelsAndIdsAndBlankLinesAreSkipped() throws IOException {
        Path file = write("examples.jsonl", """
                {"conversation_number": "c-1", "channel": "chat", "messages": [{"sender": "customer", "text": "Refund me"}, {"sender": "agent", "text": "Done"}], "expected": {"intent": "refund_request", "topic": "billing", "sentiment": "negative"}}

                {"messages": [{"text": "Where is my parcel?"}], "expected": {"intent": "information_request"}}
                """);

        List<LabelledConversation> read = LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY);

        assertThat(read).hasSize(2);
        assertThat(read.get(0).id()).isEqualTo("c-1");
        assertThat(read.get(0).messages()).containsExactly(new Message("customer", "Refund me"), new Message("agent", "Done"));
        assertThat(read.get(0).expected()).isEqualTo(Map.of("intent", "refund_request", "topic", "billing", "sentiment", "negative"));
        // no conversation_number: the id says where it stands; no sender: the customer's; missing kinds stay missing
        assertThat(read.get(1).id()).endsWith("line 3");
        assertThat(read.get(1).messages()).containsExactly(new Message("customer", "Where is my parcel?"));
        assertThat(read.get(1).expected()).isEqualTo(Map.of("intent", "information_request"));
    }

    @Test
    void aJsonArrayIsReadInOrder() throws IOException {
        Path file = write("examples.json", """
                  [
                  {"conversation_number": "a", "messages": [{"sender": "customer", "text": "Cancel my plan"}], "expected": {"intent": "cancellation"}},
                  {"conversation_number": "b", "messages": [{"sender": "customer", "text": "Thanks!"}], "expected": {"intent": "feedback", "sentiment": "positive"}}
                ]""");

        List<LabelledConversation> read = LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY);

        assertThat(read).extracting(LabelledConversation::id).containsExactly("a", "b");
        assertThat(read.get(1).expected()).isEqualTo(Map.of("intent", "feedback", "sentiment", "positive"));
    }

    @Test
    void labelsAreNormalisedToTheTaxonomysNames() throws IOException {
        Path file = write("examples.jsonl", """
                {"messages": [{"text": "money back please"}], "expected": {"intent": " Refund Request ", "topic": "BILLING", "sentiment": "Negative"}}
                {"messages": [{"text": "change my address"}], "expected": {"intent": "account-change"}}
                """);

        List<LabelledConversation> read = LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY);

        assertThat(read.get(0).expected()).isEqualTo(Map.of("intent", "refund_request", "topic", "billing", "sentiment", "negative"));
        assertThat(read.get(1).expected()).isEqualTo(Map.of("intent", "account_change"));
    }

    @Test
    void aCsvWithAMappedIntentColumnGivesOneCustomerMessageAndTheIntentOnly() throws IOException {
        Path file = write("banking.csv", """
                text,category
                "I want my money back, the card was charged twice",Refund Request
                Please close my account,cancellation
                """);
        LabelledFile.CsvColumns columns = LabelledFile.CsvColumns.parse("text", List.of("intent=category"));

        List<LabelledConversation> read = LabelledFile.read(file, columns, TAXONOMY);

        assertThat(read).hasSize(2);
        assertThat(read.get(0).messages()).containsExactly(new Message("customer", "I want my money back, the card was charged twice"));
        assertThat(read.get(0).expected()).isEqualTo(Map.of("intent", "refund_request"));
        assertThat(read.get(1).expected()).isEqualTo(Map.of("intent", "cancellation"));
    }

    @Test
    void aCsvWithANamedTextColumnAndTheDefaultLabelColumns() throws IOException {
        Path file = write("all.csv", """
                utterance,intent,topic,sentiment
                my parcel never came,problem_report,delivery,negative
                """);

        List<LabelledConversation> read = LabelledFile.read(file, LabelledFile.CsvColumns.parse("utterance", List.of()), TAXONOMY);

        assertThat(read).singleElement().satisfies(c -> assertThat(c.expected())
                .isEqualTo(Map.of("intent", "problem_report", "topic", "delivery", "sentiment", "negative")));
    }

    @Test
    void aLineThatIsNotJsonIsNamedByItsNumber() throws IOException {
        Path file = write("bad.jsonl", """
                {"messages": [{"text": "fine"}], "expected": {"intent": "other"}}

                {"messages": [{"text": "broken"}], "expected": {"intent":
                """);

        assertThatThrownBy(() -> LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 3 is not JSON");
    }

    @Test
    void aLabelOutsideTheTaxonomyIsNamedWithTheAllowedOnes() throws IOException {
        Path file = write("bad.jsonl", """
                {"messages": [{"text": "fine"}], "expected": {"intent": "other"}}
                {"messages": [{"text": "hm"}], "expected": {"intent": "other", "topic": "weather"}}
                """);

        assertThatThrownBy(() -> LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 2")
                .hasMessageContaining("topic 'weather' is not in taxonomy support-v1")
                .hasMessageContaining(TAXONOMY.topics().stream().map(Taxonomy.Label::name).toList().toString());
    }

    @Test
    void aCsvLabelOutsideTheTaxonomyNamesTheLineItIsOn() throws IOException {
        Path file = write("bad.csv", """
                text,intent
                first,other
                second,teleport
                third,other
                """);

        assertThatThrownBy(() -> LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 3:")
                .hasMessageContaining("intent 'teleport' is not in taxonomy");
    }

    @Test
    void aCsvRowThatDoesNotMatchTheHeaderIsAConfigurationErrorNamingItsLine() throws IOException {
        Path file = write("ragged.csv", """
                text,intent
                fine,other
                one,other,too many
                """);

        assertThatThrownBy(() -> LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 3")
                .hasMessageContaining("not valid CSV");
    }

    @Test
    void aConversationWithNoMessagesIsRefused() throws IOException {
        Path file = write("empty-messages.jsonl", """
                {"messages": [], "expected": {"intent": "other"}}
                """);

        assertThatThrownBy(() -> LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 1")
                .hasMessageContaining("\"messages\" must be a non-empty array");
    }

    @Test
    void aCsvWithoutTheTextColumnNamesTheColumnsItHas() throws IOException {
        Path file = write("no-text.csv", """
                utterance,intent
                hello,other
                """);

        assertThatThrownBy(() -> LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no text column 'text'")
                .hasMessageContaining("utterance")
                .hasMessageContaining("--text-column");
    }

    @Test
    void anEmptyFileIsRefusedAsHoldingNothing() throws IOException {
        for (String name : List.of("empty.jsonl", "empty.csv")) {
            Path file = write(name, "");

            assertThatThrownBy(() -> LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY))
                    .as(name)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(file + " holds no labelled conversations");
        }
    }

    @Test
    void aMissingFileIsAConfigurationError() {
        Path file = dir.resolve("absent.jsonl");

        assertThatThrownBy(() -> LabelledFile.read(file, LabelledFile.CsvColumns.DEFAULT, TAXONOMY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " does not exist");
    }

    @Test
    void aLabelColumnMappingMustNameAKnownKind() {
        assertThatThrownBy(() -> LabelledFile.CsvColumns.parse("text", List.of("category")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kind=column");
        assertThatThrownBy(() -> LabelledFile.CsvColumns.parse("text", List.of("mood=feeling")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'mood'");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
