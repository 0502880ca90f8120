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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Load on {@code POST /classify} over real HTTP, two ways.
 * <ul>
 * <li>{@link #run Closed loop}: {@code concurrency} threads, each sending its next body as soon as
 * the previous answer is in, so exactly that many requests are in flight. Each request is timed from
 * just before it is sent until its whole answer has been read. There is no intended rate, so there
 * is no expected interval to correct with: a stall delays the requests that would have followed
 * and they are never sent (coordinated omission), and the latencies show it only once, as the
 * stalled request's. Good for the overhead at a fixed load; it understates the tail.</li>
 * <li>{@link #runAtRate Open loop}: a fixed rate, whatever the answers, each request timed from
 * the moment it was due, so every request due during a stall carries its share of it.</li>
 * </ul>
 */
final class ApiLoad implements AutoCloseable {

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
    /** The closed loop's sender threads, kept until {@link #close()} so that their CPU time is still counted. */
    private final ExecutorService senders;

    ApiLoad(URI uri, int concurrency, Duration timeout) {
        // HTTP/1.1 explicitly: the default would send an h2c upgrade header the gateway ignores
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .executor(Executors.newCachedThreadPool(loadThreads())).build();
        this.uri = uri;
        this.concurrency = concurrency;
        this.timeout = timeout;
        this.senders = Executors.newFixedThreadPool(concurrency, loadThreads());
    }

    @Override
    public void close() {
        senders.shutdownNow();
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
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            tasks.add(() -> {
                for (int i = next.getAndIncrement(); i < samples.length; i = next.getAndIncrement()) {
                    samples[i] = send(bodies.get(i));
                    report(progress, finished.incrementAndGet());
                }
                return null;
            });
        }
        try {
            for (Future<Void> sender : senders.invokeAll(tasks)) {
                sender.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a load thread failed: " + e.getCause(), e.getCause());
        }
        return Arrays.asList(samples);
    }

    /**
     * Sends body {@code i} at {@code i / perSecond} seconds from the start, without waiting for
     * answers, and times it from that intended moment, not from when it left: if the server (or this
     * sender) stalls, the requests due meanwhile count the wait. {@code progress} as for {@link #run}.
     *
     * @return the samples in the order of {@code bodies}
     */
    List<Sample> runAtRate(List<byte[]> bodies, double perSecond, LongConsumer progress) throws InterruptedException {
        List<CompletableFuture<Sample>> answers = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        long start = System.nanoTime();
        for (int i = 0; i < bodies.size(); i++) {
            long due = start + (long) (i * 1e9 / perSecond);
            TimeUnit.NANOSECONDS.sleep(due - System.nanoTime()); // returns at once when behind
            answers.add(http.sendAsync(request(bodies.get(i)), HttpResponse.BodyHandlers.ofByteArray())
                    .handle((response, error) -> sample(response, error, due))
                    .whenComplete((sample, error) -> report(progress, finished.incrementAndGet())));
        }
        try {
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .thenApply(all -> answers.stream().map(CompletableFuture::join).toList()).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a request failed: " + e.getCause(), e.getCause());
        }
    }

    /** Daemon threads named {@code bench-load-N}, so that their CPU counts as the load generator's ({@link ServiceCpu}). */
    private static ThreadFactory loadThreads() {
        AtomicInteger number = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "bench-load-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A failure of the connection is a sample with no answer; anything else is a bug, thrown. */
    private static Sample sample(HttpResponse<byte[]> response, Throwable error, long started) {
        long nanos = System.nanoTime() - started;
        if (error == null) {
            return new Sample(response.statusCode(), nanos);
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof IOException) {
            return new Sample(Sample.NO_ANSWER, nanos);
        }
        throw error instanceof CompletionException c ? c : new CompletionException(cause);
    }

    private HttpRequest request(byte[] body) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private Sample send(byte[] body) throws InterruptedException {
        HttpRequest request = request(body);
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
