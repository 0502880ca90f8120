package dev.triage.localstack.llm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConversationKeyTest {

    @Test
    void theKeyIsTheConversationBetweenTheMarkersNotTheInstructionsAroundIt() {
        assertThat(ConversationKey.text("Classify this.\n(2 earlier messages omitted)\n<conversation>\n[{\"text\":\"hi\"}]\n</conversation>"))
                .isEqualTo("[{\"text\":\"hi\"}]");
    }

    @Test
    void aMessageWithoutMarkersIsTheConversationItself() {
        assertThat(ConversationKey.text("where is my parcel?")).isEqualTo("where is my parcel?");
        assertThat(ConversationKey.text("</conversation> before <conversation>")).isEqualTo("</conversation> before <conversation>");
    }

    @Test
    void fewShotExamplesBeforeTheConversationAreNotPartOfIt() {
        String message = "Examples:\n<examples>\n<conversation>\n[{\"text\":\"example\"}]\n</conversation>\n</examples>\n"
                + "Classify this.\n(1 earlier messages omitted)\n<conversation>\n[{\"text\":\"hi\"}]\n</conversation>";

        assertThat(ConversationKey.text(message)).isEqualTo("[{\"text\":\"hi\"}]");
        assertThat(ConversationKey.preamble(message)).isEqualTo("\nClassify this.\n(1 earlier messages omitted)\n");
    }
}
