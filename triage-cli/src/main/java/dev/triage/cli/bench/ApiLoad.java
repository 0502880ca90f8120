package dev.triage.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Closed-loop load on {@code POST /classify} over real HTTP: {@code concurrency} threads, each
 * sending its next body as soon as the previous answer is in, so exactly that many requests are
 * in flight (an open-loop generator would measure its own queue once the server falls behind).
 * Each request is timed from just before it is sent until its whole answer has been read.
 */
final class ApiLoad {

    /** The status of one request ({@link #NO_ANSWER} when the connection failed) and its time. */
    record Sample(int status, long nanos) {

        static final int NO_ANSWER = -1;

        boolean ok() {
            return status == 200;
        }
    }

    private final HttpClient http;
    private final URI uri;
    private final int concurrency;
    private final Duration timeout;

    ApiLoad(URI uri, int concurrency, Duration timeout) {
        // HTTP/1.1 explicitly: the default would send an h2c upgrade header the gateway ignores
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        this.uri = uri;
        this.concurrency = concurrency;
        this.timeout = timeout;
    }

    /**
     * Sends every body once; {@code progress} is told the number finished, one call at a time.
     *
     * @return the samples in the order of {@code bodies}
     */
    List<Sample> run(List<byte[]> bodies, LongConsumer progress) throws InterruptedException {
        Sample[] samples = new Sample[bodies.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        List<Callable<Void>> senders = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            senders.add(() -> {
                for (int i = next.getAndIncrement(); i < samples.length; i = next.getAndIncrement()) {
                    samples[i] = send(bodies.get(i));
                    report(progress, finished.incrementAndGet());
                }
                return null;
            });
        }
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        try {
            for (Future<Void> sender : threads.invokeAll(senders)) {
                sender.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a load thread failed: " + e.getCause(), e.getCause());
        } finally {
            threads.shutdownNow();
        }
        return Arrays.asList(samples);
    }

    private Sample send(byte[] body) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        long started = System.nanoTime();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
            return new Sample(status, System.nanoTime() - started);
        } catch (IOException e) {
            return new Sample(Sample.NO_ANSWER, System.nanoTime() - started);
        }
    }

    private static synchronized void report(LongConsumer progress, long finished) {
        progress.accept(finished);
    }
}
