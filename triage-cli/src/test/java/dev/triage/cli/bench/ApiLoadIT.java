package dev.triage.cli.bench;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coordinated omission, shown on a real HTTP server on loopback that answers at once except for one
 * request, which it holds for {@link #STALL_MS}, while it serves one request at a time: the closed
 * loop records the stall once; the open loop, timing each request from when it was due, records it
 * in every request due meanwhile.
 */
class ApiLoadIT {

    private static final int REQUESTS = 60;
    private static final int STALLED = 10;
    private static final long STALL_MS = 400;

    private final AtomicInteger served = new AtomicInteger();
    private ExecutorService oneAtATime;
    private HttpServer server;
    private ApiLoad load;

    @BeforeEach
    void startServer() throws IOException {
        oneAtATime = Executors.newSingleThreadExecutor();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(oneAtATime);
        server.createContext("/classify", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (served.getAndIncrement() == STALLED) {
                try {
                    Thread.sleep(STALL_MS); // the stall under test (a GC pause, a rebalance), not a wait for something
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://localhost:" + server.getAddress().getPort() + "/classify");
        load = new ApiLoad(uri, 1, Duration.ofSeconds(10));
    }

    @AfterEach
    void stopServer() {
        load.close();
        server.stop(0);
        oneAtATime.shutdownNow();
    }

    @Test
    void closedLoopRecordsTheStallOnceSoItReachesOnlyTheMax() throws InterruptedException {
        Latencies latencies = latencies(load.run(bodies(), done -> { }));

        assertThat(latencies.maxMs()).isGreaterThanOrEqualTo(STALL_MS);
        assertThat(latencies.ms(90)).isLessThan(STALL_MS / 4.0);
    }

    @Test
    void openLoopTimesFromTheDueMomentSoEveryRequestDueInTheStallCountsIt() throws InterruptedException {
        // 100/s: about 40 requests are due during the 400 ms stall, waiting from 400 ms down to 10 ms
        Latencies latencies = latencies(load.runAtRate(bodies(), 100, done -> { }));

        assertThat(latencies.maxMs()).isGreaterThanOrEqualTo(STALL_MS);
        assertThat(latencies.ms(90)).isGreaterThanOrEqualTo(STALL_MS / 2.0);
        assertThat(latencies.ms(50)).isGreaterThanOrEqualTo(STALL_MS / 8.0);
    }

    @Test
    void openLoopReportsEveryRequestInOrderAndCountsProgress() throws InterruptedException {
        AtomicInteger progress = new AtomicInteger();
        List<ApiLoad.Sample> samples = load.runAtRate(bodies(), 200, done -> progress.accumulateAndGet((int) done, Math::max));

        assertThat(samples).hasSize(REQUESTS).allMatch(ApiLoad.Sample::ok);
        assertThat(progress.get()).isEqualTo(REQUESTS);
        assertThat(served.get()).isEqualTo(REQUESTS);
    }

    private static List<byte[]> bodies() {
        return Collections.nCopies(REQUESTS, "{}".getBytes());
    }

    private static Latencies latencies(List<ApiLoad.Sample> samples) {
        assertThat(samples).hasSize(REQUESTS).allMatch(ApiLoad.Sample::ok);
        Latencies latencies = new Latencies();
        samples.forEach(s -> latencies.recordNanos(s.nanos()));
        return latencies;
    }
}
