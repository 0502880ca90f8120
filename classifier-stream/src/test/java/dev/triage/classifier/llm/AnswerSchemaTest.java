package dev.triage.classifier.llm;

import dev.triage.core.model.Classification;
import dev.triage.core.taxonomy.Taxonomy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnswerSchemaTest {

    private final AnswerSchema answers = new AnswerSchema(Taxonomy.defaults());

    @Test
    void schemaIsGeneratedFromTheTaxonomy() {
        var schema = answers.schema();

        assertThat(schema.path("required").toString()).isEqualTo("[\"intent\",\"topic\",\"sentiment\"]");
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(schema.path("properties").path("sentiment").path("enum").toString())
                .isEqualTo("[\"positive\",\"neutral\",\"negative\"]");
        assertThat(schema.path("properties").path("intent").path("enum")).hasSize(8);
    }

    @Test
    void labelsAreNormalisedForCaseAndWhitespace() {
        Classification c = answers.validate("{\"intent\": \" Refund Request \", \"topic\": \"BILLING\", \"sentiment\": \"negative\"}");

        assertThat(c).isEqualTo(new Classification("refund_request", "billing", "negative"));
    }

    @Test
    void jsonInAMarkdownFenceIsAccepted() {
        Classification c = answers.validate("```json\n{\"intent\": \"other\", \"topic\": \"other\", \"sentiment\": \"neutral\"}\n```");

        assertThat(c.intent()).isEqualTo("other");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            Sure, it is a refund                                                  | not valid JSON
            [1, 2]                                                                | must be a JSON object
            {"topic": "billing", "sentiment": "negative"}                         | "intent" is missing
            {"intent": 3, "topic": "billing", "sentiment": "negative"}            | "intent" is missing or not a string
            {"intent": "teleport", "topic": "billing", "sentiment": "negative"}   | "intent" is "teleport", which is not one of
            {"intent": "other", "topic": "billing", "sentiment": "ecstatic"}      | "sentiment" is "ecstatic"
            """)
    void invalidAnswersSayWhatIsWrong(String content, String problem) {
        assertThatThrownBy(() -> answers.validate(content))
                .isInstanceOf(AnswerSchema.InvalidAnswerException.class).hasMessageContaining(problem);
    }
}
