package dev.triage.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * CPU time used by this process so far, where the JDK reports it. The embedded stack, the
 * simulator and the load generator all run in this JVM, so the CPU per request it gives covers
 * the whole path (and everything running beside it), which is what bounds throughput once the
 * cores are busy.
 */
final class ProcessCpu {

    private ProcessCpu() {
    }

    /** Nanoseconds of CPU used by the process, or -1 when this JVM does not tell. */
    static long nanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }
}
