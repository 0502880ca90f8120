package dev.triage.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.cli.TriageCli;
import dev.triage.core.json.Json;
import dev.triage.core.taxonomy.Taxonomy;
import dev.triage.localstack.llm.CallsLog;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.llm.LabelOracle;
import dev.triage.localstack.llm.LlmSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code triage eval} run in-process as a user runs it, on labelled files the test writes: with the
 * learned classifier, and against the LLM simulator over HTTP answering from its label oracle, whose
 * accuracy is known.
 */
class EvalCommandIT {

    private static final String MODEL = "eval-model";

    @TempDir
    Path dir;

    @Test
    void offlineEveryAnswerIsLearnedAndCostsNoModelCall() throws Exception {
        Path file = labelled(30);

        Run run = eval(file.toString(), "--provider", "offline", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("conversations").asInt()).isEqualTo(30);
        for (String kind : List.of("intent", "topic", "sentiment")) {
            assertThat(report.get("kinds").get(kind).get("accuracy").asDouble()).isBetween(0.0, 1.0);
            assertThat(report.get("kinds").get(kind).get("total").asInt()).isEqualTo(30);
        }
        assertThat(report.get("all_three_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(report.get("tiers").get("learned").asInt()).isEqualTo(30);
        assertThat(report.get("tiers").get("llm").asInt()).isZero();
        assertThat(report.get("model_calls").asLong()).isZero();
        assertThat(report.get("failed").asInt()).isZero();
        assertThat(run.err()).contains("30/30"); // the progress bar is on stderr, stdout is the JSON alone
    }

    @Test
    void aPerfectOracleScoresOneWithOneModelCallPerConversation() throws Exception {
        Path file = labelled(40);
        try (LlmSimulator sim = simulator(file, 1.0)) {
            Run run = eval(file.toString(), "--provider", "ollama", "--llm-url", sim.url(), "--model", MODEL, "--json");

            assertThat(run.exit()).as(run.err()).isZero();
            JsonNode report = run.json();
            for (String kind : List.of("intent", "topic", "sentiment")) {
                assertThat(report.get("kinds").get(kind).get("accuracy").asDouble()).isEqualTo(1.0);
                assertThat(report.get("kinds").get(kind).get("macro_f1").asDouble()).isEqualTo(1.0);
            }
            assertThat(report.get("all_three_accuracy").asDouble()).isEqualTo(1.0);
            assertThat(report.get("model_calls_per_conversation").asDouble()).isEqualTo(1.0);
            assertThat(report.get("tiers").get("llm").asInt()).isEqualTo(40);
            assertThat(report.get("disagreements")).isEmpty();
        }
    }

    @Test
    void aCoinTossOracleScoresAboutAHalfAndFailsMinAccuracy() throws Exception {
        int n = 100;
        Path file = labelled(n);
        try (LlmSimulator sim = simulator(file, 0.5)) {
            Run run = eval(file.toString(), "--provider", "ollama", "--llm-url", sim.url(), "--model", MODEL, "--json",
                    "--min-accuracy", "0.9", "--errors", "5");

            assertThat(run.exit()).as(run.err()).isEqualTo(TriageCli.EXIT_FAILURE);
            assertThat(run.err()).contains("intent accuracy", "is below --min-accuracy 0.9");
            JsonNode report = run.json();
            // right ~ Binomial(100, 0.5): sd 0.05, so 0.5 +- 4 sd holds but for 6 in 100,000 seeds
            for (String kind : List.of("intent", "topic", "sentiment")) {
                assertThat(report.get("kinds").get(kind).get("accuracy").asDouble()).isBetween(0.3, 0.7);
            }
            assertThat(report.get("disagreements")).hasSize(5);
            JsonNode first = report.get("disagreements").get(0);
            assertThat(first.get("expected").get("intent").asText()).isNotEqualTo(first.get("got").get("intent").asText());
            assertThat(first.get("text").asText()).startsWith("case ");
        }
    }

    @Test
    void theCurveGoesFromNoLlmCallsToTheLlmAlways() throws Exception {
        Path file = labelled(30);
        try (LlmSimulator sim = simulator(file, 1.0)) {
            Run run = eval(file.toString(), "--provider", "ollama", "--llm-url", sim.url(), "--model", MODEL, "--json",
                    "--curve");

            assertThat(run.exit()).as(run.err()).isZero();
            ArrayNode curve = (ArrayNode) run.json().get("curve");
            assertThat(curve).hasSize(10);
            JsonNode learnedAlways = curve.get(0);
            JsonNode llmAlways = curve.get(9);
            assertThat(learnedAlways.get("threshold").asDouble()).isZero();
            assertThat(learnedAlways.get("llm_calls_per_conversation").asDouble()).isZero();
            assertThat(learnedAlways.get("learned_share").asDouble()).isEqualTo(1.0);
            assertThat(llmAlways.get("threshold").asDouble()).isEqualTo(1.01);
            assertThat(llmAlways.get("llm_calls_per_conversation").asDouble()).isEqualTo(1.0);
            for (String kind : List.of("intent", "topic", "sentiment")) {
                assertThat(llmAlways.get("accuracy").get(kind).asDouble()).isEqualTo(1.0);
            }
            assertThat(llmAlways.get("all_three_accuracy").asDouble()).isEqualTo(1.0);
        }
    }

    @Test
    void aCsvWithIntentsOnlyHasNoAllThreeLine() throws Exception {
        List<String> intents = labels("intent");
        StringBuilder csv = new StringBuilder("utterance,category\n");
        for (int i = 0; i < 12; i++) {
            csv.append("\"case ").append(i).append(": I need help, please\",").append(intents.get(i % intents.size())).append('\n');
        }
        Path file = Files.writeString(dir.resolve("intents.csv"), csv);

        Run run = eval(file.toString(), "--provider", "offline", "--text-column", "utterance", "--label-column", "intent=category");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("intent: accuracy", "precision", "confusion")
                .doesNotContain("all three", "topic: accuracy", "sentiment: accuracy");
        assertThat(run.out()).containsPattern("answered by: llm 0, learned 12, cached 0, failed 0");
    }

    @Test
    void aBadLineOrAGatewayThatIsNotThereIsOneClearLineAndExitTwo() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.jsonl"), line(0) + "\n{\"messages\": [], \"expected\": {}}\n");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        Run bad = eval(file.toString(), "--provider", "offline");
        Run missing = eval(dir.resolve("nothing.jsonl").toString(), "--provider", "offline");
        Run noGateway = eval(labelled(3).toString(), "--url", "http://localhost:" + closed);

        assertThat(bad.exit()).isEqualTo(TriageCli.EXIT_CONFIG);
        assertThat(bad.err().strip()).startsWith("triage: " + file).contains("line 2").doesNotContain("\n");
        assertThat(missing.exit()).isEqualTo(TriageCli.EXIT_CONFIG);
        assertThat(missing.err()).contains("nothing.jsonl");
        assertThat(noGateway.exit()).isEqualTo(TriageCli.EXIT_CONFIG);
        assertThat(noGateway.err()).contains("cannot reach the gateway at http://localhost:" + closed, "nothing sent");
    }

    /** {@code n} conversations with distinct texts, labels cycling through the default taxonomy's. */
    private Path labelled(int n) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(line(i));
        }
        return Files.write(dir.resolve("labelled-" + n + ".jsonl"), lines);
    }

    private static String line(int i) {
        List<String> intents = labels("intent");
        List<String> topics = labels("topic");
        List<String> sentiments = labels("sentiment");
        ObjectNode node = Json.mapper().createObjectNode().put("conversation_number", "eval-" + i);
        node.putArray("messages").addObject().put("sender", "customer")
                .put("text", "case " + i + ": something about my account and an order, number " + (1000 + i));
        node.putObject("expected").put("intent", intents.get(i % intents.size()))
                .put("topic", topics.get((i / 2) % topics.size())).put("sentiment", sentiments.get((i / 3) % sentiments.size()));
        return Json.encodeToString(node);
    }

    private static List<String> labels(String kind) {
        return Taxonomy.defaults().labels(kind).stream().map(Taxonomy.Label::name).toList();
    }

    private static LlmSimulator simulator(Path answers, double accuracy) {
        return LlmSimulator.start(0, new Faults(), List.of(MODEL), 7, CallsLog.NONE, LabelOracle.load(answers, accuracy));
    }

    private record Run(int exit, String out, String err) {
        JsonNode json() {
            return Json.tree(out.strip().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static synchronized Run eval(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "eval";
            System.arraycopy(args, 0, all, 1, args.length);
            int exit = TriageCli.commandLine().execute(all);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
