package dev.triage.cli.bench;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Thread names of the embedded stack, as a thread dump of {@code bench api} shows them, map to their services. */
class ServiceCpuTest {

    @Test
    void threadsAreCountedForTheServiceThatNamedThem() {
        assertThat(ServiceCpu.serviceOf("JettyServerThreadPool-31")).isEqualTo("gateway");
        assertThat(ServiceCpu.serviceOf("triage-gateway-ee7d2-replies")).isEqualTo("gateway");
        assertThat(ServiceCpu.serviceOf("triage-gateway-respond")).isEqualTo("gateway");
        assertThat(ServiceCpu.serviceOf("kafka-producer-network-thread | triage-gateway-ee7d2")).isEqualTo("gateway");
        assertThat(ServiceCpu.serviceOf("kafka-producer-network-thread | triage-gateway-ee7d2-relay")).isEqualTo("relay");
        assertThat(ServiceCpu.serviceOf("triage-relay-lease")).isEqualTo("relay");
        assertThat(ServiceCpu.serviceOf("triage-classifier-worker")).isEqualTo("classifier");
        assertThat(ServiceCpu.serviceOf("triage-classifier-llm-3")).isEqualTo("classifier");
        assertThat(ServiceCpu.serviceOf("kafka-coordinator-heartbeat-thread | triage-classifier")).isEqualTo("classifier");
        assertThat(ServiceCpu.serviceOf("triage-sink-4d1f0")).isEqualTo("sink");
        assertThat(ServiceCpu.serviceOf("triage-stats-v1-af3f-StreamThread-1")).isEqualTo("stats");
        assertThat(ServiceCpu.serviceOf("kafka-producer-network-thread | triage-stats-v1-af3f-StreamThread-1-producer"))
                .isEqualTo("stats");
        assertThat(ServiceCpu.serviceOf("mongo-server-worker2")).isEqualTo("mongodb");
        assertThat(ServiceCpu.serviceOf("mongo-store-commit")).isEqualTo("mongodb");
        assertThat(ServiceCpu.serviceOf("data-plane-kafka-request-handler-3")).isEqualTo("kafka");
        assertThat(ServiceCpu.serviceOf("kafka-scheduler-7")).isEqualTo("kafka");
        assertThat(ServiceCpu.serviceOf("llm-sim-2")).isEqualTo("llm-simulator");
        assertThat(ServiceCpu.serviceOf("bench-load-12")).isEqualTo("load-generator");
        assertThat(ServiceCpu.serviceOf("Finalizer")).isEqualTo("other");
    }

    @Test
    void aBusyThreadsCpuIsCountedForItsServiceAndTheServicesAddUpToTheProcess() throws Exception {
        ServiceCpu cpu = ServiceCpu.start();
        assertThat(cpu).as("this JVM measures thread CPU").isNotNull();
        Thread busy = new Thread(() -> {
            long until = System.nanoTime() + 200_000_000L;
            double x = 0;
            while (System.nanoTime() < until) {
                x += Math.sqrt(x + 1);
            }
            if (x < 0) {
                throw new AssertionError();
            }
        }, "triage-sink-test");
        busy.start();
        busy.join(); // ended: its CPU is no longer visible per thread, so it lands in jvm
        Thread live = new Thread(() -> {
            long until = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "triage-sink-live");
        live.start();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> threads.getThreadCpuTime(live.getId()) >= 150_000_000L);
        Map<String, Long> byService = cpu.stop();
        live.interrupt();

        assertThat(byService.get("sink")).isGreaterThanOrEqualTo(150_000_000L);
        assertThat(byService.get("jvm")).isGreaterThan(100_000_000L);
        assertThat(byService.keySet()).last().isEqualTo("jvm");
        assertThat(ServiceCpu.total(byService)).isGreaterThanOrEqualTo(byService.get("sink") + byService.get("jvm"));
    }
}
