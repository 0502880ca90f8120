package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Non-blocking JSON over HTTP for the model clients (JDK {@link HttpClient}, so hundreds of calls
 * can be in flight on a few threads), with the one mapping of HTTP outcomes to failure types.
 */
public final class LlmHttp {

    private static final Duration MAX_RETRY_AFTER_PARSED = Duration.ofDays(1);
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    /** The client's default executor, with threads named for the classifier (per-service CPU in the bench commands). */
    private static final ThreadFactory THREADS = r -> {
        Thread t = new Thread(r, "triage-classifier-llm-" + THREAD_NUMBER.incrementAndGet());
        t.setDaemon(true);
        return t;
    };

    private final HttpClient client;
    private final Duration requestTimeout;

    public LlmHttp(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newCachedThreadPool(THREADS)).build();
        this.requestTimeout = requestTimeout;
    }

    /** The parsed JSON body of a 2xx answer, with its status. */
    public record Reply(int status, JsonNode body) {
    }

    public CompletableFuture<Reply> post(URI uri, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)));
        headers.forEach(request::header);
        return send(request.build());
    }

    public CompletableFuture<Reply> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build());
    }

    private CompletableFuture<Reply> send(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        throw transportFailure(request.uri(), error instanceof CompletionException ? error.getCause() : error);
                    }
                    return toReply(request.uri(), response);
                });
    }

    private static Reply toReply(URI uri, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String where = "model server " + uri + " answered HTTP " + status;
        if (status == 429 || status >= 500) {
            throw new LlmTransientException(where, status, retryAfter(response), null);
        }
        if (status == 400 || status == 413 || status == 422) {
            String body = excerpt(response.body());
            throw new LlmRejectedException(where + ": " + body, status, body);
        }
        if (status < 200 || status > 299) {
            throw new LlmUnavailableException(where + ": " + excerpt(response.body()), status);
        }
        try {
            return new Reply(status, Json.tree(response.body()));
        } catch (PayloadException e) {
            throw new LlmTransientException(where + " with a body that is not JSON", status, null, e);
        }
    }

    private static RuntimeException transportFailure(URI uri, Throwable error) {
        if (error instanceof HttpConnectTimeoutException || error instanceof ConnectException) {
            return new LlmTransientException("cannot connect to model server " + uri, 0, null, error);
        }
        if (error instanceof HttpTimeoutException) {
            return new LlmTransientException("model server " + uri + " did not answer in time", 0, null, error);
        }
        return new LlmTransientException("call to model server " + uri + " failed: " + error, 0, null, error);
    }

    /** The {@code Retry-After} header in seconds (HTTP dates are ignored), or null. */
    static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                long seconds = Long.parseLong(v.strip());
                return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER_PARSED.toSeconds()));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
