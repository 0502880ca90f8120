package dev.triage.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.gateway.GatewayStack.Api;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static dev.triage.gateway.GatewayStack.Api.conversation;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several hundred generated malformed bodies (seeded, so a failure reproduces): every one gets a
 * 4xx in the error format, never a 5xx or a hang, and the server stays healthy afterwards.
 */
class GatewayFuzzIT {

    private static final String VALID = conversation("fuzz", "my parcel never arrived");
    private static final List<String> WRONG_VALUES = List.of("null", "true", "-1", "1e999", "\"\"", "[]", "{}", "[null]",
            "\"\\u0000\"", "[[[[]]]]", "{\"$where\": \"1\"}", "123456789012345678901234567890");

    @TempDir
    static Path dir;
    static GatewayStack stack;
    static Api api;

    @BeforeAll
    static void start() {
        stack = new GatewayStack(dir, "fuzz-it.");
        api = new Api(stack.gateway(Map.of()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        stack.close();
    }

    @Test
    void malformedBodiesAreAll4xxInTheErrorFormatAndTheServerStaysHealthy() throws Exception {
        Random random = new Random(20261127);
        List<Function<Random, byte[]>> generators = List.of(GatewayFuzzIT::truncated, GatewayFuzzIT::randomBytes,
                GatewayFuzzIT::wrongValue, GatewayFuzzIT::deeplyNested, GatewayFuzzIT::badUtf8, GatewayFuzzIT::duplicatedAndTrailing);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 360; i++) {
            byte[] body = generators.get(i % generators.size()).apply(random);
            HttpResponse<String> response = Api.HTTP.send(HttpRequest.newBuilder(api.uri(i % 3 == 0 ? "/conversations" : "/classify"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (!isClientErrorInTheErrorFormat(response)) {
                failures.add(response.statusCode() + " for " + new String(body, StandardCharsets.UTF_8).substring(0, Math.min(body.length, 120)));
            }
        }

        assertThat(failures).isEmpty();
        assertThat(api.get("/health").statusCode()).isEqualTo(200);
        assertThat(api.post("/classify", VALID).statusCode()).isEqualTo(200);
    }

    private static boolean isClientErrorInTheErrorFormat(HttpResponse<String> response) {
        if (response.statusCode() < 400 || response.statusCode() >= 500) {
            return false;
        }
        JsonNode error = Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).get("error");
        return error != null && error.get("type").isTextual() && !error.get("message").asText().isBlank();
    }

    /** A valid body cut short: never valid JSON. */
    private static byte[] truncated(Random random) {
        return VALID.substring(0, random.nextInt(VALID.length() - 1)).getBytes(StandardCharsets.UTF_8);
    }

    /** Printable noise, at most a bare JSON scalar: never an object. */
    private static byte[] randomBytes(Random random) {
        byte[] noise = new byte[1 + random.nextInt(200)];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) (32 + random.nextInt(95));
        }
        noise[0] = (byte) "abc[]\"1-xyz!<".charAt(random.nextInt(13));
        return noise;
    }

    /** Valid JSON with a wrong value where the conversation number, messages or a message field go. */
    private static byte[] wrongValue(Random random) {
        String value = WRONG_VALUES.get(random.nextInt(WRONG_VALUES.size()));
        String body = switch (random.nextInt(4)) {
            case 0 -> "{\"conversation_number\": " + (value.equals("-1") || value.startsWith("1234") || value.equals("null") ? "{}" : value)
                    + ", \"messages\": [{\"sender\": \"customer\", \"text\": \"hi\"}]}";
            case 1 -> "{\"conversation_number\": \"1\", \"messages\": " + value + "}";
            case 2 -> "{\"conversation_number\": \"1\", \"messages\": [{\"sender\": " + value + ", \"text\": \"hi\"}]}";
            default -> "{\"conversation_number\": \"1\", \"messages\": [{\"sender\": \"customer\", \"text\": " + value + "}]}";
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** Nesting far beyond what any parser should follow. */
    private static byte[] deeplyNested(Random random) {
        int depth = 2_000 + random.nextInt(20_000);
        return ("{\"messages\": " + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** A text that is not UTF-8. */
    private static byte[] badUtf8(Random random) {
        byte[] prefix = "{\"messages\": [{\"sender\": \"customer\", \"text\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 4 + 4];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        byte[] invalid = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) (0x80 + random.nextInt(64))};
        System.arraycopy(invalid, 0, body, prefix.length, 4);
        System.arraycopy("\"}]}".getBytes(StandardCharsets.UTF_8), 0, body, prefix.length + 4, 4);
        return body;
    }

    /** Two documents, or one followed by garbage. */
    private static byte[] duplicatedAndTrailing(Random random) {
        String tail = random.nextBoolean() ? VALID : "x".repeat(1 + random.nextInt(5));
        return (VALID + tail).getBytes(StandardCharsets.UTF_8);
    }
}
