package dev.triage.classifier.llm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Only a 400 that names the response format steps the OpenAI client down for everyone. */
class LlmRejectedExceptionTest {

    @Test
    void aRefusedResponseFormatIsTheFormatsFault() {
        assertThat(rejected("{\"error\":{\"message\":\"response_format json_schema is not supported\"}}")
                .formatUnsupported()).isTrue();
        assertThat(rejected("Unsupported value: 'JSON_OBJECT'").formatUnsupported()).isTrue();
    }

    @Test
    void aConversationTooLongOrRefusedIsOnlyItsOwnFault() {
        assertThat(rejected("{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\"}}")
                .formatUnsupported()).isFalse();
        assertThat(rejected("{\"error\":\"content refused by the safety filter\"}").formatUnsupported()).isFalse();
    }

    private static LlmRejectedException rejected(String body) {
        return new LlmRejectedException("model server answered HTTP 400: " + body, 400, body);
    }
}
