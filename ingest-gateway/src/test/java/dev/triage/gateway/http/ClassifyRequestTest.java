package dev.triage.gateway.http;

import dev.triage.core.model.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassifyRequestTest {

    private static ClassifyRequest parse(String body) {
        return ClassifyRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsTheOriginalBodyAndIgnoresUnknownFields() {
        ClassifyRequest request = parse("""
                {"conversation_number": "123", "channel": "chat",
                 "messages": [{"sender": "customer", "text": "Where is my order?", "ts": 1}]}""");

        assertThat(request.conversationNumber()).isEqualTo("123");
        assertThat(request.messages()).containsExactly(new Message("customer", "Where is my order?"));
    }

    @Test
    void integerConversationNumbersAreKeptAndMissingOnesGenerated() {
        assertThat(parse("{\"conversation_number\": 77, \"messages\": [{\"sender\": \"c\", \"text\": \"t\"}]}")
                .conversationNumber()).isEqualTo("77");
        assertThat(parse("{\"messages\": [{\"sender\": \"c\", \"text\": \"t\"}]}").conversationNumber()).hasSize(36);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {not json                                                      | body is not valid JSON
            ``                                                             | body is not valid JSON
            [1, 2]                                                         | body must be a JSON object, was array
            {"conversation_number": "1"}                                   | messages is required
            {"conversation_number": "1", "messages": []}                   | messages must not be empty
            {"conversation_number": "1", "messages": "hi"}                 | messages must be an array, was string
            {"conversation_number": "1", "messages": [42]}                 | messages[0] must be an object, was number
            {"conversation_number": "1", "messages": [{"text": "hi"}]}     | messages[0].sender is required
            {"conversation_number": "1", "messages": [{"sender": "c", "text": 5}]} | messages[0].text must be a string, was number
            {"conversation_number": "1", "messages": [{"sender": "c", "text": "  "}]} | messages[0].text must not be empty
            {"conversation_number": {"a": 1}, "messages": [{"sender": "c", "text": "t"}]} | conversation_number must be a string or an integer
            {"conversation_number": " ", "messages": [{"sender": "c", "text": "t"}]} | conversation_number must not be empty
            """)
    void rejectsBadBodiesWithA400ThatSaysWhich(String body, String message) {
        assertThatThrownBy(() -> parse(body == null ? "" : body))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.type()).isEqualTo("ValidationError");
                })
                .hasMessageContaining(message);
    }
}
