package dev.triage.gateway.http;

import dev.triage.core.model.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassifyRequestTest {

    private static final RequestLimits LIMITS = new RequestLimits(3, 20, Set.of("customer", "agent"), 10);

    private static ClassifyRequest parse(String body) {
        return ClassifyRequest.parse(body.getBytes(StandardCharsets.UTF_8), LIMITS);
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
    void sendersAreComparedWithoutCaseAndStoredInLowerCase() {
        assertThat(parse("{\"messages\": [{\"sender\": \" Agent \", \"text\": \"t\"}]}").messages())
                .containsExactly(new Message("agent", "t"));
    }

    @Test
    void aConversationNumberLongerThanAnIdMayBeIsRejected() {
        String id = "x".repeat(RequestLimits.MAX_ID_CHARS + 1);
        assertThatThrownBy(() -> parse("{\"conversation_number\": \"" + id + "\", \"messages\": [{\"sender\": \"customer\", \"text\": \"t\"}]}"))
                .hasMessageContaining("at most " + RequestLimits.MAX_ID_CHARS);
    }

    @Test
    void integerConversationNumbersAreKeptAndMissingOnesGenerated() {
        assertThat(parse("{\"conversation_number\": 77, \"messages\": [{\"sender\": \"customer\", \"text\": \"t\"}]}")
                .conversationNumber()).isEqualTo("77");
        assertThat(parse("{\"messages\": [{\"sender\": \"customer\", \"text\": \"t\"}]}").conversationNumber()).hasSize(36);
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
            {"conversation_number": "1", "messages": [{"sender": "customer", "text": 5}]} | messages[0].text must be a string, was number
            {"conversation_number": "1", "messages": [{"sender": "customer", "text": "  "}]} | messages[0].text must not be empty
            {"conversation_number": {"a": 1}, "messages": [{"sender": "customer", "text": "t"}]} | conversation_number must be a string or an integer
            {"conversation_number": " ", "messages": [{"sender": "customer", "text": "t"}]} | conversation_number must not be empty
            {"conversation_number": "a\\u0007b", "messages": [{"sender": "customer", "text": "t"}]} | conversation_number must not contain control characters
            {"messages": [{"sender": "customer", "text": "a\\u0000"}]}    | messages[0].text must not contain NUL characters
            {"messages": [{"sender": "robot", "text": "t"}]}               | messages[0].sender must be one of [agent, customer], was 'robot'
            {"messages": [{"sender": "customer", "text": "123456789012345678901"}]} | messages[0].text has 21 characters, at most 20 are accepted
            {"messages": [{"sender": "customer", "text": "a"}, {"sender": "customer", "text": "b"}, {"sender": "customer", "text": "c"}, {"sender": "customer", "text": "d"}]} | messages has 4 messages, at most 3
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
