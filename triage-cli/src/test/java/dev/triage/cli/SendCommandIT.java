package dev.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.metrics.TriageMetrics;
import dev.triage.gateway.GatewayConfig;
import dev.triage.gateway.GatewayService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code triage send} as a user runs it, over HTTP: against the real gateway of the embedded stack,
 * and against gateways of its own on the same broker with API keys and a rate limit, or held busy.
 */
class SendCommandIT {

    private static final String LIMITED_KEY = "send-it-key";

    @TempDir
    static Path stackDir;
    static LocalStack stack;

    @TempDir
    Path dir;

    /** Beside the stack's own: API keys required and 3 requests per second per client. */
    static GatewayService limited;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(new Env(Map.of("LLM_PROVIDER", "offline")), new LocalStack.Options(0, 0, 0, stackDir, null));
        limited = gateway(Map.of("GATEWAY_INSTANCE_ID", "send-it-limited", "GATEWAY_RATE_LIMIT", "3",
                "GATEWAY_API_KEYS", LIMITED_KEY));
    }

    @AfterAll
    static void stop() {
        try (LocalStack s = stack) {
            if (limited != null) {
                limited.close();
            }
        }
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
    void nothingIsSentWhenNoGatewayAnswersAtTheUrl() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpServer notAGateway = HttpServer.create(new InetSocketAddress("localhost", 0), 0); // 404 for every path
        notAGateway.start();
        HttpServer downGateway = HttpServer.create(new InetSocketAddress("localhost", 0), 0); // as a gateway with a dead loop
        downGateway.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"down\",\"reason\":\"reply_listener: java.lang.IllegalStateException: boom\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        downGateway.start();
        Path file = write("c.jsonl", """
                {"conversation_number": "u-1", "messages": [{"sender": "customer", "text": "hi"}]}
                {"conversation_number": "u-2", "messages": [{"sender": "customer", "text": "hello"}]}
                """);
        try {
            CliRun refused = CliRun.of("send", file.toString(), "--url", "http://localhost:" + closedPort,
                    "--out-dir", outDir().toString(), "--json");
            CliRun other = CliRun.of("send", file.toString(), "--url", "http://localhost:" + notAGateway.getAddress().getPort(),
                    "--out-dir", outDir().toString());

            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.err()).contains("cannot reach http://localhost:" + closedPort + "/health",
                    "connection refused (is the gateway running there?)", "nothing sent");
            assertThat(refused.out()).isEmpty();
            assertThat(other.exit()).isEqualTo(2);
            assertThat(other.err()).contains("/health answered 404 (is --url a triage gateway?)", "nothing sent");
            CliRun down = CliRun.of("send", file.toString(), "--url", "http://localhost:" + downGateway.getAddress().getPort(),
                    "--out-dir", outDir().toString());
            assertThat(down.exit()).isEqualTo(2);
            assertThat(down.err()).contains("is down: reply_listener: java.lang.IllegalStateException: boom", "nothing sent")
                    .doesNotContain("is --url a triage gateway");
            assertThat(outDir()).doesNotExist();
        } finally {
            notAGateway.stop(0);
            downGateway.stop(0);
        }
    }

    @Test
    void answers429AreRetriedAfterRetryAfterUntilEveryConversationIsClassified() throws Exception {
        // far more at once than the gateway admits: every conversation still gets through
        Path file = write("sixteen.jsonl", conversations("limited", 16));
        double limitedBefore = requestsAnswered(429);
        long started = System.nanoTime();

        CliRun run = send(limited, file, "--concurrency", "8", "--api-key", LIMITED_KEY);

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("sent 16, ok 16, failed 0");
        assertThat(onlyResultsFile()).hasSize(16);
        // 16 at 3 per second: the first 3 pass at once, the rest after Retry-After waits
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(4_000_000_000L);
        await().untilAsserted(() -> assertThat(requestsAnswered(429) - limitedBefore).isGreaterThanOrEqualTo(13));
    }

    @Test
    void withoutOrWithAWrongKeyEachConversationFailsUnauthorizedAndIsNotRetried() throws Exception {
        Path file = write("two.jsonl", conversations("keyless", 2));
        double before = requestsAnswered(401);

        CliRun missing = send(limited, file, "--json");
        CliRun wrong = send(limited, file, "--json", "--api-key", "not-" + LIMITED_KEY);

        for (CliRun run : List.of(missing, wrong)) {
            assertThat(run.exit()).as(run.err()).isEqualTo(1);
            JsonNode summary = Json.tree(run.out().strip().getBytes(StandardCharsets.UTF_8));
            assertThat(summary.get("failed_by_type").get("Unauthorized").asInt()).isEqualTo(2);
            assertThat(summary.get("ok").asInt()).isZero();
        }
        await().untilAsserted(() -> assertThat(requestsAnswered(401) - before).isEqualTo(4));
    }

    /**
     * A real 503: a gateway admitting one waiting request, whose conversations topic no classifier
     * reads, is held by one request; {@code send} is then told 503 with Retry-After 1 on every try.
     */
    @Test
    void answers503AreRetriedThreeTimesThenReportedAsUnavailable() throws Exception {
        try (GatewayService busy = gateway(Map.of("GATEWAY_INSTANCE_ID", "send-it-busy", "GATEWAY_MAX_PENDING", "1",
                "CLASSIFY_TIMEOUT", "30s", "TOPIC_CONVERSATIONS", "send-it.unread.conversations"))) {
            CompletableFuture<HttpResponse<String>> holder = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + busy.port() + "/classify")).POST(HttpRequest.BodyPublishers.ofString(
                    conversations("holder", 1))).build(), HttpResponse.BodyHandlers.ofString());
            await().until(() -> pending("send-it-busy") == 1);
            double before = requestsAnswered(503);

            CliRun run = send(busy, write("one.jsonl", conversations("busy", 1)), "--retries", "3");

            assertThat(run.exit()).as(run.err()).isEqualTo(1);
            assertThat(run.out()).contains("sent 1, ok 0, failed 1", "failed Unavailable: 1",
                    "too many requests are waiting");
            await().untilAsserted(() -> assertThat(requestsAnswered(503) - before).isEqualTo(4));
            assertThat(holder.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        }
    }

    /** A gateway of its own on the stack's broker and MongoDB, reading no queries (the stack's relays them). */
    private static GatewayService gateway(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers(),
                "MONGODB_URI", stack.mongoUri(), "GATEWAY_PORT", "0", "RELAY_ENABLED", "false"));
        env.putAll(settings);
        return GatewayService.start(GatewayConfig.fromEnv(new Env(env)));
    }

    /** Requests the gateways of this JVM answered with {@code status}, from their shared registry. */
    private static double requestsAnswered(int status) {
        return TriageMetrics.registry().find("triage.http.requests").tag("status", String.valueOf(status)).timers()
                .stream().mapToDouble(Timer::count).sum();
    }

    private static double pending(String instance) {
        Gauge gauge = TriageMetrics.registry().find("triage.gateway.pending").tag("instance", instance).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    /** {@code n} JSON lines, numbered {@code <prefix>-1} upwards. */
    private static String conversations(String prefix, int n) {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            lines.append("{\"conversation_number\": \"").append(prefix).append('-').append(i)
                    .append("\", \"messages\": [{\"sender\": \"customer\", \"text\": \"Where is my order ")
                    .append(i).append("?\"}]}\n");
        }
        return lines.toString();
    }

    private CliRun send(GatewayService gateway, Path file, String... extra) {
        String[] args = Stream.concat(Stream.of("send", file.toString(), "--url", "http://localhost:" + gateway.port(),
                "--out-dir", outDir().toString()), Stream.of(extra)).toArray(String[]::new);
        return CliRun.of(args);
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
