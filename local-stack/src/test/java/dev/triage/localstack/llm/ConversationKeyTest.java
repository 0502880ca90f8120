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
}
