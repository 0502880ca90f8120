package dev.triage.cli.service;

import dev.triage.core.lifecycle.Liveness;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a started service running until the process is asked to stop (Ctrl-C, SIGTERM), or until
 * its {@link Liveness} reports a problem: then the service is closed and the exit code is 1, so a
 * supervisor restarts it. Either way the service is closed exactly once.
 */
public final class ServiceRunner {

    /** How often the service's liveness is asked. */
    private static final long CHECK_EVERY_SECONDS = 1;

    private ServiceRunner() {
    }

    /** As {@link #runUntilStopped(AutoCloseable, Liveness)} for a service that reports no liveness. */
    public static int runUntilStopped(AutoCloseable service) throws InterruptedException {
        return runUntilStopped(service, Liveness.ALIVE);
    }

    /** Returns 0 after a stop request has closed {@code service}, 1 after a problem has. */
    public static int runUntilStopped(AutoCloseable service, Liveness liveness) throws InterruptedException {
        Closer closer = new Closer(service);
        Thread hook = new Thread(() -> {
            System.err.println("triage: stopping (finishing work in hand)...");
            if (closer.close()) {
                System.err.println("triage: stopped");
            }
        }, "triage-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        do {
            String problem = liveness.problem();
            if (problem != null) {
                return stopAfter(problem, closer, hook);
            }
        } while (!closer.closed.await(CHECK_EVERY_SECONDS, TimeUnit.SECONDS));
        return 0;
    }

    private static int stopAfter(String problem, Closer closer, Thread hook) {
        try {
            // System.exit would run the hook again; if the JVM is shutting down already, the hook
            // is running and its close() waits for this one instead of closing twice
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or has run; closer.close() below waits for whichever close came first
        }
        System.err.println("triage: " + problem + "; stopping");
        closer.close();
        return 1;
    }

    /** Closes the service once, whichever thread asks first; the others wait for it to finish. */
    private static final class Closer {
        private final AutoCloseable service;
        private final AtomicBoolean started = new AtomicBoolean();
        private final CountDownLatch closed = new CountDownLatch(1);

        Closer(AutoCloseable service) {
            this.service = service;
        }

        /** True when this call closed the service without error. */
        boolean close() {
            if (!started.compareAndSet(false, true)) {
                awaitClosed();
                return false;
            }
            try {
                service.close();
                return true;
            } catch (Exception e) {
                System.err.println("triage: error while stopping: " + e);
                return false;
            } finally {
                closed.countDown();
            }
        }

        private void awaitClosed() {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
