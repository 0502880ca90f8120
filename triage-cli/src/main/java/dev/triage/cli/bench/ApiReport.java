package dev.triage.cli.bench;

import dev.triage.core.json.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code triage bench api} measured, as text or as one JSON object. Latencies are those of
 * the answered requests (200); the overhead of a request is its end-to-end latency minus the
 * simulator's fixed latency: HTTP, the gateway, Kafka both ways and the classifier's own work.
 * Errors are counted by status ({@code -1}: no answer at all).
 *
 * @param requests       requests sent in the measured phase
 * @param errorsByStatus non-200 answers by status
 * @param ok             latencies of the 200 answers
 * @param seconds        first request sent to last answer read
 * @param cpuNanos       CPU time the process used meanwhile by service ({@link ServiceCpu}), or null when unknown
 */
record ApiReport(int requests, Map<Integer, Integer> errorsByStatus, Latencies ok, double seconds, Map<String, Long> cpuNanos,
                 Settings settings) {

    /**
     * How the run was made: requests in flight (closed loop) or requests/s sent whatever the
     * answers (open loop, when {@code ratePerSecond > 0}), the simulator's latency, uncounted
     * requests first.
     */
    record Settings(int concurrency, double ratePerSecond, long latencyMs, int warmup) {
    }

    /** The targets for the embedded stack. */
    static final double P50_OVERHEAD_TARGET_MS = 5;
    static final double P99_OVERHEAD_TARGET_MS = 20;

    static ApiReport of(List<ApiLoad.Sample> samples, double seconds, Map<String, Long> cpuNanos, Settings settings) {
        Map<Integer, Integer> errors = new TreeMap<>();
        samples.stream().filter(s -> !s.ok()).forEach(s -> errors.merge(s.status(), 1, Integer::sum));
        Latencies ok = new Latencies();
        samples.stream().filter(ApiLoad.Sample::ok).forEach(s -> ok.recordNanos(s.nanos()));
        return new ApiReport(samples.size(), errors, ok, seconds, cpuNanos, settings);
    }

    int errors() {
        return errorsByStatus.values().stream().mapToInt(Integer::intValue).sum();
    }

    boolean targetsMet() {
        return !ok.isEmpty() && overheadMs(50) <= P50_OVERHEAD_TARGET_MS && overheadMs(99) <= P99_OVERHEAD_TARGET_MS;
    }

    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", requests);
        out.put("errors", errors());
        out.put("errors_by_status", errorsByStatus);
        out.put("concurrency", settings.concurrency());
        // null: closed loop, latencies as measured; a rate: open loop, timed from when each request was due
        out.put("rate_per_s", settings.ratePerSecond() > 0 ? settings.ratePerSecond() : null);
        out.put("latency_ms", settings.latencyMs());
        out.put("warmup", settings.warmup());
        out.put("seconds", round(seconds));
        out.put("throughput_per_s", round(requests / seconds));
        out.put("p50_ms", ok.isEmpty() ? null : round(ok.ms(50)));
        out.put("p99_ms", ok.isEmpty() ? null : round(ok.ms(99)));
        out.put("p999_ms", ok.isEmpty() ? null : round(ok.ms(99.9)));
        out.put("max_ms", ok.isEmpty() ? null : round(ok.maxMs()));
        out.put("p50_overhead_ms", ok.isEmpty() ? null : round(overheadMs(50)));
        out.put("p99_overhead_ms", ok.isEmpty() ? null : round(overheadMs(99)));
        // CPU of the whole process per request: cores x 1000 / this is the most requests/s the machine can serve
        out.put("cpu_ms_per_request", cpuNanos == null ? null : round(ms(ServiceCpu.total(cpuNanos)) / requests));
        // the same by service (thread names), for layouts where each runs on its own machine
        out.put("cpu_ms_per_request_by_service", cpuNanos == null ? null : perRequest(cpuNanos));
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("targets_met", targetsMet());
        return out;
    }

    String toJson() {
        return Json.encodeToString(toMap());
    }

    String toText() {
        StringBuilder text = new StringBuilder();
        toMap().forEach((k, v) -> text.append(String.format(Locale.ROOT, "%-18s %s%n", k, v)));
        text.append(String.format(Locale.ROOT, "target p50 overhead <= %.0f ms: %s%n", P50_OVERHEAD_TARGET_MS,
                verdict(50, P50_OVERHEAD_TARGET_MS)));
        text.append(String.format(Locale.ROOT, "target p99 overhead <= %.0f ms: %s%n", P99_OVERHEAD_TARGET_MS,
                verdict(99, P99_OVERHEAD_TARGET_MS)));
        return text.toString();
    }

    private String verdict(double percentile, double targetMs) {
        return ok.isEmpty() ? "not measured (no request answered 200)" : overheadMs(percentile) <= targetMs ? "met" : "MISSED";
    }

    /** @param percentile 50 for the median */
    private double overheadMs(double percentile) {
        return ok.ms(percentile) - settings.latencyMs();
    }

    private Map<String, Double> perRequest(Map<String, Long> nanosByService) {
        Map<String, Double> out = new LinkedHashMap<>();
        nanosByService.forEach((service, nanos) -> out.put(service, Math.round(ms(nanos) / requests * 100) / 100.0));
        return out;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
