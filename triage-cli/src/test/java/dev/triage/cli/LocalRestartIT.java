package dev.triage.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code triage local} stopped (SIGTERM, then kill -9) and started again on the same data directory,
 * as a separate process: it stops within 10 s, and once {@code /health} answers, {@code POST /classify}
 * is answered within 10 s (the classifier gets its partitions back at once: static membership).
 */
class LocalRestartIT {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String BODY = "{\"conversation_number\": \"r-1\", \"messages\": [{\"sender\": \"customer\","
            + " \"text\": \"My parcel never arrived, I want a refund\"}]}";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process local;
    private int port;

    @AfterEach
    void stop() {
        if (local != null) {
            local.destroyForcibly();
        }
    }

    @Test
    void aRestartedStackClassifiesWithinTenSecondsOfItsHealth() throws Exception {
        int[] ports = {freePort(), freePort(), freePort()};
        port = ports[0];
        start(ports);
        assertThat(classifyOnceHealthy().statusCode()).isEqualTo(200);

        long stopping = System.nanoTime();
        local.destroy(); // SIGTERM
        assertThat(local.waitFor(BOUND.toSeconds() + 5, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThanOrEqualTo(BOUND);

        start(ports);
        assertThat(classifyOnceHealthy().statusCode()).isEqualTo(200);

        local.destroyForcibly().waitFor(); // kill -9: nothing left the group, nothing was committed at the end
        start(ports);
        assertThat(classifyOnceHealthy().statusCode()).isEqualTo(200);
        assertThat(get("/ready").body()).contains("\"classifier\":\"ok\"");
    }

    /** Waits for {@code /health}, then classifies; the answer must come within {@link #BOUND} of the health. */
    private HttpResponse<String> classifyOnceHealthy() {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> get("/health").statusCode() == 200);
        long healthy = System.nanoTime();
        HttpResponse<String> answer = await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/classify"))
                                .timeout(BOUND).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                        HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
        assertThat(Duration.ofNanos(System.nanoTime() - healthy)).isLessThanOrEqualTo(BOUND);
        return answer;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private void start(int[] ports) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), TriageCli.class.getName(), "local", "--llm-sim",
                "--port", String.valueOf(ports[0]), "--kafka-port", String.valueOf(ports[1]),
                "--mongo-port", String.valueOf(ports[2]), "--data-dir", dir.resolve("data").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "local.log")));
        builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("MONGODB_")
                || k.startsWith("LLM_") || k.startsWith("TOPIC_") || k.startsWith("GATEWAY_"));
        local = builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
