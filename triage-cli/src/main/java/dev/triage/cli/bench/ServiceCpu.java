package dev.triage.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of the embedded stack's JVM split by service, told apart by the names of their threads.
 * Everything the bench commands start runs in one process, so the process's CPU alone cannot say
 * what a production layout (each service on its own machine) would cost per service.
 *
 * <p>Thread CPU is read from {@link ThreadMXBean} at the start and at the end: a thread that ended
 * in between, and the JVM's own threads (garbage collection, JIT compilation), are not Java threads
 * it can see, so what the process used beyond the sum of the services is reported as {@code jvm}.
 * The model client's and the load generator's {@code HttpClient} selector threads cannot be told
 * apart by name and are reported together as {@code http-clients}.
 */
final class ServiceCpu {

    /** First match wins; a Kafka client thread ({@code "... | client-id"}) is named by its client id. */
    private static final List<Map.Entry<String, String>> PREFIXES = List.of(
            Map.entry("triage-gateway", "gateway"),
            Map.entry("JettyServerThreadPool", "gateway"),
            Map.entry("triage-relay", "relay"),
            Map.entry("triage-classifier", "classifier"),
            Map.entry("learned-classifier", "classifier"),
            Map.entry("sentence-encoder", "classifier"),
            Map.entry("triage-sink", "sink"),
            Map.entry("triage-stats", "stats"),
            Map.entry("mongo-server", "mongodb"),
            Map.entry("mongo-store", "mongodb"),
            Map.entry("llm-sim", "llm-simulator"),
            Map.entry("HTTP-Dispatcher", "llm-simulator"),
            Map.entry("bench-load", "load-generator"),
            Map.entry("main", "load-generator"),
            Map.entry("HttpClient", "http-clients"),
            Map.entry("data-plane-kafka", "kafka"),
            Map.entry("kafka-", "kafka"),
            Map.entry("broker-", "kafka"),
            Map.entry("controller-", "kafka"),
            Map.entry("group-coordinator", "kafka"),
            Map.entry("executor-", "kafka"),
            Map.entry("ExpirationReaper", "kafka"),
            Map.entry("quorum-controller", "kafka"),
            Map.entry("raft-", "kafka"),
            Map.entry("transaction-", "kafka"),
            Map.entry("TxnMarker", "kafka"),
            Map.entry("AddPartitionsToTxn", "kafka"),
            Map.entry("share-", "kafka"),
            Map.entry("PersisterStateManager", "kafka"));

    /** What a thread's CPU is counted as. */
    static String serviceOf(String threadName) {
        int bar = threadName.indexOf(" | ");
        if (bar >= 0) {
            String client = threadName.substring(bar + 3);
            return client.endsWith("-relay") ? "relay" : serviceOf(client);
        }
        for (Map.Entry<String, String> prefix : PREFIXES) {
            if (threadName.startsWith(prefix.getKey())) {
                return prefix.getValue();
            }
        }
        return "other";
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long processBefore;
    private final Map<Long, Long> threadsBefore;

    private ServiceCpu(long processBefore, Map<Long, Long> threadsBefore) {
        this.processBefore = processBefore;
        this.threadsBefore = threadsBefore;
    }

    /** Starts counting now; null when this JVM does not measure thread or process CPU. */
    static ServiceCpu start() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long process = ProcessCpu.nanos();
        if (process < 0 || !threads.isThreadCpuTimeSupported()) {
            return null;
        }
        threads.setThreadCpuTimeEnabled(true);
        Map<Long, Long> before = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            before.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        return new ServiceCpu(process, before);
    }

    /** Nanoseconds of CPU by service since {@link #start()}, largest first, with {@code jvm} last. */
    Map<String, Long> stop() {
        long process = ProcessCpu.nanos() - processBefore;
        Map<String, Long> byService = new HashMap<>();
        long counted = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue; // ended since the ids were read
            }
            long now = threads.getThreadCpuTime(info.getThreadId());
            if (now < 0) {
                continue;
            }
            long used = now - threadsBefore.getOrDefault(info.getThreadId(), 0L);
            byService.merge(serviceOf(info.getThreadName()), used, Long::sum);
            counted += used;
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        byService.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.put("jvm", Math.max(0, process - counted));
        return sorted;
    }

    /** The whole process's CPU since {@link #start()}, as {@link #stop()} last read it. */
    static long total(Map<String, Long> byService) {
        return byService.values().stream().mapToLong(Long::longValue).sum();
    }
}
