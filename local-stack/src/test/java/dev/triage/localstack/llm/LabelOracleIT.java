package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.model.Classification;
import dev.triage.localstack.llm.LabelledFiles.Labelled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The label oracle as the classifier sees it: the simulator on a free port, real HTTP chat calls in both protocols. */
class LabelOracleIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<LlmSimulator> sims = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        sims.forEach(LlmSimulator::close);
    }

    @Test
    void atAccuracyOneEveryConversationGetsItsExpectedLabelsInBothProtocols() throws Exception {
        List<Labelled> conversations = LabelledFiles.generate(40, 1);
        LlmSimulator sim = start(new Faults(), LabelledFiles.jsonLines(dir.resolve("a.jsonl"), conversations), 1.0, 1);

        for (Labelled c : conversations) {
            assertThat(ask(sim, "/api/chat", LabelledFiles.userMessage(c))).isEqualTo(c.expected());
            assertThat(ask(sim, "/v1/chat/completions", LabelledFiles.userMessage(c))).isEqualTo(c.expected());
        }
        assertThat(List.of(sim.oracleHits(), sim.oracleMisses())).containsExactly(80L, 0L);
    }

    @Test
    void atAccuracyZeroNoConversationGetsAnyOfItsExpectedLabels() throws Exception {
        List<Labelled> conversations = LabelledFiles.generate(60, 2);
        LlmSimulator sim = start(new Faults(), LabelledFiles.jsonArray(dir.resolve("a.json"), conversations), 0.0, 1);

        for (Labelled c : conversations) {
            Classification answer = ask(sim, "/api/chat", LabelledFiles.userMessage(c));
            assertThat(answer.intent()).isIn(LabelledFiles.INTENTS).isNotEqualTo(c.expected().intent());
            assertThat(answer.topic()).isIn(LabelledFiles.TOPICS).isNotEqualTo(c.expected().topic());
            assertThat(answer.sentiment()).isIn(LabelledFiles.SENTIMENTS).isNotEqualTo(c.expected().sentiment());
        }
    }

    /**
     * 300 conversations right with probability 0.7 each: 210 expected, standard deviation
     * sqrt(300 * 0.7 * 0.3) = 7.9; [179, 241] is within 4 deviations, which a fair draw leaves
     * about once in 15,000 runs. The same seed gives the same answers, retried or on a new simulator.
     */
    @Test
    void atAccuracyPointSevenAboutSevenInTenAreRightAndTheSameSeedGivesTheSameAnswers() throws Exception {
        List<Labelled> conversations = LabelledFiles.generate(300, 3);
        Path file = LabelledFiles.jsonLines(dir.resolve("a.jsonl"), conversations);
        LlmSimulator sim = start(new Faults(), file, 0.7, 42);
        LlmSimulator again = start(new Faults(), file, 0.7, 42);

        int right = 0;
        for (Labelled c : conversations) {
            Classification answer = ask(sim, "/v1/chat/completions", LabelledFiles.userMessage(c));
            if (answer.equals(c.expected())) {
                right++;
            } else { // a wrong answer is wrong in every label
                assertThat(List.of(answer.intent(), answer.topic(), answer.sentiment()))
                        .doesNotContainAnyElementsOf(List.of(c.expected().intent(), c.expected().topic(), c.expected().sentiment()));
            }
            assertThat(ask(sim, "/api/chat", LabelledFiles.userMessage(c))).isEqualTo(answer);
            assertThat(ask(again, "/api/chat", LabelledFiles.userMessage(c))).isEqualTo(answer);
        }
        assertThat(right).isBetween(179, 241);
    }

    @Test
    void aPromptThatOmitsEarlierTurnsMatchesTheConversationOfThatLengthEndingWithTheKeptTurns() throws Exception {
        Classification shortOne = new Classification("question", "account", "neutral");
        Classification longOne = new Classification("complaint", "delivery", "negative");
        List<String> tail = List.of("Still nothing?", "We are checking.", "This is the third time I ask <b>again</b>.");
        List<String> longTexts = new ArrayList<>(List.of("Hello", "Hi, how can I help?", "My parcel is late"));
        longTexts.addAll(tail);
        List<String> shortTexts = new ArrayList<>(List.of("Other start"));
        shortTexts.addAll(tail);
        Labelled longConversation = new Labelled("long", longTexts, longOne);
        LlmSimulator sim = start(new Faults(), LabelledFiles.jsonLines(dir.resolve("a.jsonl"),
                List.of(new Labelled("short", shortTexts, shortOne), longConversation)), 1.0, 1);

        List<Map<String, String>> kept = longConversation.messages().subList(3, 6);

        assertThat(ask(sim, "/api/chat", LabelledFiles.userMessage("", kept, 3))).isEqualTo(longOne);
        assertThat(ask(sim, "/api/chat", LabelledFiles.userMessage("", kept, 1))).isEqualTo(shortOne);
        assertThat(sim.oracleMisses()).isZero();
    }

    @Test
    void examplesBeforeTheConversationAreNotTakenForIt() throws Exception {
        List<Labelled> conversations = LabelledFiles.generate(2, 4);
        Labelled example = conversations.get(0);
        Labelled asked = conversations.get(1);
        LlmSimulator sim = start(new Faults(), LabelledFiles.jsonLines(dir.resolve("a.jsonl"), conversations), 1.0, 1);
        String examples = "Labelled examples:\n<examples>\n" + LabelledFiles.userMessage(example) + "\nAnswer: "
                + Json.encodeToString(example.expected()) + "\n</examples>\n";

        assertThat(ask(sim, "/api/chat", LabelledFiles.userMessage(examples, asked.messages(), 0))).isEqualTo(asked.expected());
    }

    @Test
    void anUnknownConversationGetsTheUsualAnswerAndCountsAsAMiss() throws Exception {
        List<Labelled> conversations = LabelledFiles.generate(5, 5);
        LlmSimulator sim = start(new Faults(), LabelledFiles.jsonLines(dir.resolve("a.jsonl"), conversations), 1.0, 1);
        LlmSimulator plain = LlmSimulator.start(0, new Faults(), List.of("m"), 1);
        sims.add(plain);
        String unknown = LabelledFiles.userMessage("", List.of(Map.of("sender", "customer", "text", "not in the file")), 0);

        assertThat(ask(sim, "/api/chat", unknown)).isEqualTo(ask(plain, "/api/chat", unknown));
        assertThat(List.of(sim.oracleHits(), sim.oracleMisses())).containsExactly(0L, 1L);
        assertThat(plain.oracleMisses()).isZero();
    }

    @Test
    void faultsApplyBeforeTheOracle() throws Exception {
        List<Labelled> conversations = LabelledFiles.generate(1, 6);
        String message = LabelledFiles.userMessage(conversations.get(0));
        LlmSimulator sim = start(new Faults().errorRate(1.0), LabelledFiles.jsonLines(dir.resolve("a.jsonl"), conversations), 1.0, 1);

        assertThat(post(sim, "/api/chat", message).statusCode()).isEqualTo(500);
        sim.faults().errorRate(0).badOutputRate(1.0);
        HttpResponse<String> malformed = post(sim, "/api/chat", message);
        assertThat(malformed.statusCode()).isEqualTo(200);
        assertThat(content(malformed, "/api/chat")).isNotEqualTo(Json.encodeToString(conversations.get(0).expected()));
        assertThat(sim.oracleHits() + sim.oracleMisses()).isZero();
    }

    private LlmSimulator start(Faults faults, Path answers, double accuracy, long seed) {
        LlmSimulator sim = LlmSimulator.start(0, faults, List.of("m"), seed, CallsLog.NONE, LabelOracle.load(answers, accuracy));
        sims.add(sim);
        return sim;
    }

    private Classification ask(LlmSimulator sim, String path, String userMessage) throws Exception {
        HttpResponse<String> response = post(sim, path, userMessage);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.decode(content(response, path).getBytes(StandardCharsets.UTF_8), Classification.class);
    }

    private static String content(HttpResponse<String> response, String path) {
        JsonNode body = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        JsonNode message = path.equals("/api/chat") ? body.path("message") : body.path("choices").path(0).path("message");
        return message.path("content").asText();
    }

    private HttpResponse<String> post(LlmSimulator sim, String path, String userMessage) throws Exception {
        String body = Json.encodeToString(Map.of("model", "m", "stream", false, "messages", List.of(
                Map.of("role", "system", "content", "You label customer-support conversations."),
                Map.of("role", "user", "content", userMessage))));
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + path)).timeout(Duration.ofSeconds(8))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
