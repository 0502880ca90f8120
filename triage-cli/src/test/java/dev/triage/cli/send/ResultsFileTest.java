package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsFileTest {

    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07.890Z");

    @TempDir
    Path dir;

    @Test
    void writesOneArrayNamedAfterTheUtcSecondAndLeavesNoTemporaryFile() throws Exception {
        List<JsonNode> results = List.of(json("{\"conversation_number\": \"1\"}"), json("{\"conversation_number\": \"2\"}"));

        Path written = ResultsFile.write(dir.resolve("new/sub"), NOW, results);

        assertThat(written).isEqualTo(dir.resolve("new/sub/classified_results_20260304_050607.json"));
        assertThat(Json.tree(Files.readAllBytes(written))).isEqualTo(json("[{\"conversation_number\": \"1\"}, {\"conversation_number\": \"2\"}]"));
        try (Stream<Path> files = Files.list(written.getParent())) {
            assertThat(files).containsExactly(written);
        }
    }

    @Test
    void aSecondRunInTheSameSecondDoesNotOverwriteTheFirst() throws Exception {
        Path first = ResultsFile.write(dir, NOW, List.of());
        Path second = ResultsFile.write(dir, NOW, List.of(json("{}")));

        assertThat(second.getFileName().toString()).isEqualTo("classified_results_20260304_050607_2.json");
        assertThat(Json.tree(Files.readAllBytes(first))).isEmpty();
        assertThat(Json.tree(Files.readAllBytes(second))).hasSize(1);
    }

    private static JsonNode json(String text) {
        return Json.tree(text.getBytes(StandardCharsets.UTF_8));
    }
}
