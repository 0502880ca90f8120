package dev.triage.cli.send;

import dev.triage.core.json.JsonEntries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConversationFileTest {

    @TempDir
    Path dir;

    @Test
    void anArrayKeepsTheFirstOfEachNumberAndEveryEntryWithoutOne() throws Exception {
        ConversationFile.Contents contents = ConversationFile.read(write("c.json", """
                  [{"conversation_number": "1", "messages": [{"sender": "customer", "text": "first"}]},
                   {"conversation_number": 1, "messages": [{"sender": "customer", "text": "same number as integer"}]},
                   {"conversation_number": " 1 ", "messages": []},
                   {"messages": [{"sender": "customer", "text": "no number"}]},
                   {"messages": [{"sender": "customer", "text": "no number either"}]},
                   {"conversation_number": "", "messages": []},
                   {"conversation_number": "", "messages": []},
                   {"conversation_number": "2", "messages": []}]"""));

        assertThat(contents.duplicatesSkipped()).isEqualTo(2);
        assertThat(contents.entries()).extracting(ConversationFile.Entry::where)
                .containsExactly("item 1", "item 4", "item 5", "item 6", "item 7", "item 8");
        assertThat(contents.entries().get(0).body().get("messages").get(0).get("text").asText()).isEqualTo("first");
    }

    @Test
    void jsonLinesSkipBlankLinesAndCountLinesFromOne() throws Exception {
        ConversationFile.Contents contents = ConversationFile.read(write("c.jsonl", """

                {"conversation_number": "a", "messages": []}
                \s
                {"conversation_number": "a", "messages": []}
                {"conversation_number": "b", "messages": []}
                """));

        assertThat(contents.entries()).extracting(ConversationFile.Entry::where).containsExactly("line 2", "line 5");
        assertThat(contents.duplicatesSkipped()).isEqualTo(1);
    }

    @Test
    void aLineThatIsNotJsonRejectsTheWholeFileNamingTheLine() throws Exception {
        Path file = write("c.jsonl", "{\"messages\": []}\n{\"messages\": [\n");

        assertThatThrownBy(() -> ConversationFile.read(file))
                .isInstanceOf(JsonEntries.UnreadableFileException.class)
                .hasMessageContaining("neither a JSON array nor JSON lines: line 2 is not valid JSON");
    }

    @Test
    void entriesMustBeObjects() throws Exception {
        Path array = write("a.json", "[{\"messages\": []}, \"text\"]");
        Path lines = write("l.jsonl", "{\"messages\": []}\n[1, 2]\n");

        assertThatThrownBy(() -> ConversationFile.read(array)).hasMessageContaining("item 2 must be a JSON object, was string");
        assertThatThrownBy(() -> ConversationFile.read(lines)).hasMessageContaining("line 2 must be a JSON object, was array");
    }

    @Test
    void emptyBrokenOrMissingFilesAreRejected() throws Exception {
        Path empty = write("e.json", "  \n");
        Path emptyArray = write("ea.json", "[]");
        Path broken = write("b.json", "[{\"messages\": []}");

        assertThatThrownBy(() -> ConversationFile.read(empty)).hasMessageContaining("holds no conversations");
        assertThatThrownBy(() -> ConversationFile.read(emptyArray)).hasMessageContaining("holds no conversations");
        assertThatThrownBy(() -> ConversationFile.read(broken)).hasMessageContaining("is not a valid JSON array");
        assertThatThrownBy(() -> ConversationFile.read(dir.resolve("missing.json"))).hasMessageContaining("does not exist");
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
