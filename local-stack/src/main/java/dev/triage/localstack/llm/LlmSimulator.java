package dev.triage.localstack.llm;

import com.sun.net.httpserver.HttpServer;
import dev.triage.localstack.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model server for tests, demos and benchmarks: speaks Ollama ({@code /api/chat},
 * {@code /api/tags}) and OpenAI ({@code /v1/chat/completions}, {@code /v1/models}), answers a
 * schema-valid classification derived from the text, and injects the {@link Faults} asked for.
 * Delayed answers are sent from a scheduler, and requests waiting for a processing slot sit in a
 * queue, not in a sleeping thread, so thousands of requests can wait at once. It counts requests,
 * 429 and 500 answers, the peaks of requests held and processed, the latency of 200 answers, and
 * the calls answered per conversation ({@code GET /calls}, optionally a {@link CallsLog}). With a
 * {@link LabelOracle}, it answers the expected labels of a labelled file instead, right with a
 * chosen probability: a test device for evaluation, not a model.
 */
public final class LlmSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlmSimulator.class);

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
        // and the client's delayed ACK add ~40 ms to every answer (measured: 250 ms calls at 200 ms latency).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final ScheduledExecutorService delays;
    private final Faults faults;
    private final ChatStats stats = new ChatStats();
    private final ProcessingSlots slots;
    private final CallCounts calls = new CallCounts();
    private final CallsLog callsLog;

    private LlmSimulator(HttpServer server, Faults faults, List<String> models, long seed, CallsLog callsLog,
                         LabelOracle oracle) {
        this.server = server;
        this.faults = faults;
        this.callsLog = callsLog;
        this.workers = Executors.newFixedThreadPool(4, daemon("llm-sim"));
        this.delays = Executors.newScheduledThreadPool(2, daemon("llm-sim-delay"));
        this.slots = new ProcessingSlots(() -> faults.capacity, delays);
        server.setExecutor(workers);
        Dice dice = new Dice(seed);
        server.createContext("/", new ModelEndpoints(faults, models, dice, new Answers(oracle, seed, dice, stats), stats, slots,
                delays, calls, callsLog, Clock.systemUTC()));
    }

    /** Starts on {@code port} (0 = a free port), serving {@code models}, with {@code faults}. */
    public static LlmSimulator start(int port, Faults faults, List<String> models, long seed) {
        return start(port, faults, models, seed, CallsLog.NONE);
    }

    /** As {@link #start(int, Faults, List, long)}, writing each chat call it answers to {@code callsLog}, which it closes. */
    public static LlmSimulator start(int port, Faults faults, List<String> models, long seed, CallsLog callsLog) {
        return start(port, faults, models, seed, callsLog, LabelOracle.NONE);
    }

    /**
     * As {@link #start(int, Faults, List, long, CallsLog)}, answering the conversations {@code oracle}
     * knows with their expected labels, or with wrong ones, as its accuracy and {@code seed} decide:
     * a test device for end-to-end tests of evaluation, never a quality claim. Faults apply first.
     */
    public static LlmSimulator start(int port, Faults faults, List<String> models, long seed, CallsLog callsLog,
                                     LabelOracle oracle) {
        int claimed = Ports.claim(port, "The LLM simulator", "--port");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), claimed), 4096);
            LlmSimulator sim = new LlmSimulator(server, faults, models, seed, callsLog, oracle);
            server.start();
            LOG.info("LLM simulator on {} serving {}", sim.url(), models);
            return sim;
        } catch (IOException e) {
            callsLog.close();
            throw new IllegalStateException("LLM simulator cannot start on port " + claimed, e);
        }
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    public Faults faults() {
        return faults;
    }

    /** Chat requests held now (queued or processed): calls in flight. */
    public int inFlight() {
        return stats.held();
    }

    /** The most requests held (queued or processed) at the same time since start (or the last {@link #resetStats()}). */
    public int peakConcurrency() {
        return stats.peakHeld();
    }

    /** The most requests processed (holding a {@link Faults#capacity} slot) at the same time. */
    public int peakProcessing() {
        return slots.peak();
    }

    /** Chat requests received. */
    public long requests() {
        return stats.requests();
    }

    /** Chat requests answered 429, by the {@link Faults#rpm} quota or the random rate limit. */
    public long rateLimited() {
        return stats.rateLimited();
    }

    /** Chat requests answered 500, random or poison. */
    public long serverErrors() {
        return stats.serverErrors();
    }

    /** Requests past the faults whose labels came from the {@link LabelOracle}: conversations it knew (counted when the answer is made). */
    public long oracleHits() {
        return stats.oracleHits();
    }

    /** Requests past the faults whose conversation the {@link LabelOracle} did not know: the usual answer (0 without an oracle). */
    public long oracleMisses() {
        return stats.oracleMisses();
    }

    /**
     * The {@code p} percentile ({@code 0 <= p <= 1}, e.g. 0.5) of the time from the arrival of a chat
     * request to its 200 answer being sent, queue wait included, in milliseconds; NaN before any.
     */
    public double latencyPercentileMs(double p) {
        return stats.latencyPercentileMs(p);
    }

    /**
     * The chat calls answered per conversation (also {@code GET /calls?top=N}), with the {@code top}
     * conversations called about most.
     */
    public CallSummary calls(int top) {
        return calls.summary(top);
    }

    /** Starts all counts afresh, calls per conversation too; requests in hand count towards the new peaks. */
    public void resetStats() {
        stats.reset();
        calls.reset();
        slots.resetPeak();
    }

    @Override
    public void close() {
        server.stop(0);
        delays.shutdownNow();
        workers.shutdownNow();
        callsLog.close();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

}
