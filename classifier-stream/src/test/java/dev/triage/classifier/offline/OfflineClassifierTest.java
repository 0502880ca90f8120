package dev.triage.classifier.offline;

import dev.triage.core.model.Classification;
import dev.triage.core.model.Message;
import dev.triage.core.taxonomy.Taxonomy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OfflineClassifierTest {

    private final OfflineClassifier classifier = new OfflineClassifier();

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            I want a refund, the blender broke after a week.          | refund_request      | billing
            Please cancel my subscription today.                       | cancellation        | subscription
            My parcel never arrived and tracking shows nothing.        | problem_report      | delivery
            How do I reset my password?                                | account_change      | account
            Do you have this jacket in size M?                         | information_request | product
            The app crashes when I open settings.                      | problem_report      | technical
            Hello there                                                | other               | other
            """)
    void labelsIntentAndTopicFromKeywords(String text, String intent, String topic) {
        Classification c = classifier.label(List.of(new Message("customer", text)));

        assertThat(c.intent()).isEqualTo(intent);
        assertThat(c.topic()).isEqualTo(topic);
    }

    @Test
    void sentimentFollowsTheCustomersWordsNotTheAgents() {
        List<Message> angry = List.of(
                new Message("customer", "This is ridiculous, my order is late AGAIN."),
                new Message("agent", "Thank you for your patience, we appreciate it, great to help!"));
        List<Message> happy = List.of(new Message("customer", "Thanks, that was great help!"));

        assertThat(classifier.label(angry).sentiment()).isEqualTo("negative");
        assertThat(classifier.label(happy).sentiment()).isEqualTo("positive");
        assertThat(classifier.label(List.of(new Message("customer", "What time do you open?"))).sentiment())
                .isEqualTo("neutral");
    }

    @Test
    void isDeterministicAndOnlyUsesTaxonomyLabels() {
        Taxonomy taxonomy = Taxonomy.defaults();
        List<Message> messages = List.of(new Message("customer", "Charged twice on my card, I want my money back!!"));

        Classification first = classifier.label(messages);

        assertThat(classifier.label(messages)).isEqualTo(first);
        assertThat(Taxonomy.match(taxonomy.intents(), first.intent())).contains(first.intent());
        assertThat(Taxonomy.match(taxonomy.topics(), first.topic())).contains(first.topic());
        assertThat(Taxonomy.match(taxonomy.sentiments(), first.sentiment())).contains(first.sentiment());
    }

    @Test
    void keywordsMatchAtWordStartsOnly() {
        // "bill" must not match inside "probably", "pin" not inside "shopping"
        Classification c = classifier.label(List.of(new Message("customer", "I was probably shopping yesterday")));

        assertThat(c.topic()).isEqualTo("other");
    }
}
