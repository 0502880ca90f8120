package dev.triage.cli.service;

import java.util.concurrent.CountDownLatch;

/** Keeps a started service running until the process is asked to stop (Ctrl-C, SIGTERM). */
public final class ServiceRunner {

    private ServiceRunner() {
    }

    public static int runUntilStopped(AutoCloseable service) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.err.println("triage: stopping (finishing work in hand)...");
                service.close();
                System.err.println("triage: stopped");
            } catch (Exception e) {
                System.err.println("triage: error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "triage-shutdown"));
        stopped.await();
        return 0;
    }
}
