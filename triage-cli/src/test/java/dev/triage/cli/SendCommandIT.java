package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code triage send} as a user runs it: the real gateway of the embedded stack, over HTTP. */
class SendCommandIT {

    @TempDir
    static Path stackDir;
    static LocalStack stack;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(new Env(Map.of("LLM_PROVIDER", "offline")), new LocalStack.Options(0, 0, 0, stackDir, null));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void eachConversationIsSentOnceAndThe200AnswersAreSavedAsOneArray() throws Exception {
        Path file = write("conversations.json", """
                [
                  {"conversation_number": "send-1", "messages": [{"sender": "customer", "text": "I was charged twice, I want a refund"}]},
                  {"conversation_number": "send-2", "messages": [
                    {"sender": "customer", "text": "My parcel never arrived"},
                    {"sender": "agent", "text": "Sorry, checking."}]},
                  {"conversation_number": "send-1", "messages": [{"sender": "customer", "text": "the same conversation again"}]},
                  {"messages": [{"sender": "customer", "text": "Please cancel my order"}]},
                  {"conversation_number": "send-bad", "messages": []}
                ]""");

        CliRun run = send(file, "--concurrency", "2");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("sent 4, ok 3, failed 1, duplicates skipped 1", "failed ValidationError: 1",
                "item 5: ValidationError: messages must not be empty", "latency p50 ");
        JsonNode results = onlyResultsFile();
        assertThat(results.isArray()).isTrue();
        assertThat(results).hasSize(3).allSatisfy(r -> {
            assertThat(r.path("classification").path("intent").isTextual()).isTrue();
            assertThat(r.path("classification").path("topic").isTextual()).isTrue();
            assertThat(r.path("classification").path("sentiment").isTextual()).isTrue();
        });
        assertThat(results.get(0).get("conversation_number").asText()).isEqualTo("send-1");
        assertThat(results.get(0).get("messages").get(0).get("text").asText()).isEqualTo("I was charged twice, I want a refund");
        assertThat(results.get(0).get("classification").get("intent").asText()).isEqualTo("refund_request");
        assertThat(results.get(1).get("conversation_number").asText()).isEqualTo("send-2");
        assertThat(results.get(2).get("conversation_number").asText()).isNotBlank();
        assertThat(run.out()).contains(outDir().toString());
        assertThat(run.err()).contains("4/4");
    }

    @Test
    void jsonLinesWorkAndJsonPrintsOneSummaryObject() throws Exception {
        Path file = write("conversations.jsonl", """
                {"conversation_number": 7001, "messages": [{"sender": "customer", "text": "Where is my order?"}]}

                {"conversation_number": "7001", "messages": [{"sender": "customer", "text": "same number as a string"}]}
                {"conversation_number": "7002", "messages": [{"sender": "customer", "text": "My card was declined"}]}
                """);

        CliRun run = send(file, "--json", "--api-key", "k-123");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode summary = Json.tree(run.out().strip().getBytes(StandardCharsets.UTF_8));
        assertThat(summary.get("sent").asInt()).isEqualTo(2);
        assertThat(summary.get("ok").asInt()).isEqualTo(2);
        assertThat(summary.get("failed").asInt()).isZero();
        assertThat(summary.get("failed_by_type").isEmpty()).isTrue();
        assertThat(summary.get("duplicates_skipped").asInt()).isEqualTo(1);
        assertThat(summary.get("p99_ms").asLong()).isGreaterThanOrEqualTo(summary.get("p50_ms").asLong());
        Path output = Path.of(summary.get("output").asText());
        assertThat(output.getFileName().toString()).matches("classified_results_\\d{8}_\\d{6}\\.json");
        assertThat(Json.tree(Files.readAllBytes(output))).hasSize(2);
        assertThat(run.err()).doesNotContain("[#");
    }

    @Test
    void aFileThatIsNeitherAnArrayNorJsonLinesSendsNothingAndSaysWhere() throws Exception {
        CliRun badLine = send(write("bad.jsonl", """
                {"conversation_number": "x", "messages": [{"sender": "customer", "text": "hi"}]}
                {not json
                """));
        CliRun notAnObject = send(write("bad.json", "[{\"messages\": [{\"sender\": \"customer\", \"text\": \"hi\"}]}, 42]"));
        CliRun brokenArray = send(write("broken.json", "[{\"messages\": [], "));
        CliRun missing = send(dir.resolve("nope.json"));

        assertThat(badLine.exit()).isEqualTo(TriageCli.EXIT_CONFIG);
        assertThat(badLine.err()).contains("bad.jsonl is neither a JSON array nor JSON lines: line 2 is not valid JSON",
                "nothing sent");
        assertThat(notAnObject.exit()).isEqualTo(TriageCli.EXIT_CONFIG);
        assertThat(notAnObject.err()).contains("item 2 must be a JSON object, was number");
        assertThat(brokenArray.exit()).isEqualTo(TriageCli.EXIT_CONFIG);
        assertThat(brokenArray.err()).contains("is not a valid JSON array");
        assertThat(missing.exit()).isEqualTo(TriageCli.EXIT_CONFIG);
        assertThat(missing.err()).contains("does not exist");
        assertThat(outDir()).doesNotExist();
    }

    @Test
    void anUnreachableGatewayCountsAsConnectionErrors() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path file = write("c.jsonl", """
                {"conversation_number": "u-1", "messages": [{"sender": "customer", "text": "hi"}]}
                {"conversation_number": "u-2", "messages": [{"sender": "customer", "text": "hello"}]}
                """);

        CliRun run = CliRun.of("send", file.toString(), "--url", "http://localhost:" + closedPort,
                "--out-dir", outDir().toString(), "--json");

        assertThat(run.exit()).isEqualTo(1);
        JsonNode summary = Json.tree(run.out().strip().getBytes(StandardCharsets.UTF_8));
        assertThat(summary.get("failed_by_type").get("ConnectionError").asInt()).isEqualTo(2);
        assertThat(summary.get("p50_ms").isNull()).isTrue();
        assertThat(Json.tree(Files.readAllBytes(Path.of(summary.get("output").asText())))).isEmpty();
    }

    /**
     * The gateway itself never answers 429, so a small server stands in for a rate-limiting proxy
     * in front of it: 429 with Retry-After 1 once, then 200; 503 always; 400 always.
     */
    @Test
    void answers429And503AreRetriedAfterRetryAfterOtherErrorsAreNot() throws Exception {
        Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer proxy = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        proxy.createContext("/classify", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            JsonNode body = Json.tree(exchange.getRequestBody().readAllBytes());
            String number = body.get("conversation_number").asText();
            List<Long> seen = arrivals.computeIfAbsent(number, n -> new CopyOnWriteArrayList<>());
            seen.add(System.nanoTime());
            switch (number) {
                case "limited" -> answer(exchange, seen.size() == 1 ? 429 : 200, seen.size() == 1 ? error("RateLimited")
                        : "{\"conversation_number\": \"limited\", \"classification\": {\"intent\": \"other\"}}");
                case "down" -> answer(exchange, 503, error("Unavailable"));
                default -> answer(exchange, 400, error("ValidationError"));
            }
        });
        proxy.start();
        try {
            Path file = write("c.jsonl", Stream.of("limited", "down", "invalid")
                    .map(n -> "{\"conversation_number\": \"" + n + "\", \"messages\": []}").reduce("", (a, b) -> a + b + "\n"));

            CliRun run = CliRun.of("send", file.toString(), "--url", "http://localhost:" + proxy.getAddress().getPort(),
                    "--out-dir", outDir().toString(), "--api-key", "k-123");

            assertThat(run.exit()).as(run.err()).isEqualTo(1);
            assertThat(run.out()).contains("sent 3, ok 1, failed 2", "failed Unavailable: 1", "failed ValidationError: 1");
            assertThat(arrivals.get("limited")).hasSize(2);
            assertThat(arrivals.get("limited").get(1) - arrivals.get("limited").get(0)).isGreaterThanOrEqualTo(1_000_000_000L);
            assertThat(arrivals.get("down")).hasSize(4);
            assertThat(arrivals.get("invalid")).hasSize(1);
            assertThat(authorizations).containsOnly("Bearer k-123");
            assertThat(onlyResultsFile()).hasSize(1);
        } finally {
            proxy.stop(0);
        }
    }

    private static String error(String type) {
        return "{\"error\": {\"type\": \"" + type + "\", \"message\": \"" + type + " from the stand-in\"}}";
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        // 0 for 503 keeps the three retries fast; the 429 checks that the wait is honoured
        exchange.getResponseHeaders().add("Retry-After", status == 429 ? "1" : "0");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private CliRun send(Path file, String... extra) {
        String[] args = Stream.concat(Stream.of("send", file.toString(), "--url", "http://localhost:" + stack.gatewayPort(),
                "--out-dir", outDir().toString()), Stream.of(extra)).toArray(String[]::new);
        return CliRun.of(args);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private Path outDir() {
        return dir.resolve("out");
    }

    private JsonNode onlyResultsFile() throws IOException {
        try (Stream<Path> files = Files.list(outDir())) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            assertThat(all.get(0).getFileName().toString()).matches("classified_results_\\d{8}_\\d{6}\\.json");
            return Json.tree(Files.readAllBytes(all.get(0)));
        }
    }
}
