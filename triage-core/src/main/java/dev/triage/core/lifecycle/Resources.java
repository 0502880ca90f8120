package dev.triage.core.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a service opened while starting, closed in reverse order. If start-up fails half way,
 * {@link #closeAfter(Exception)} closes what was opened and attaches any failure to the original.
 */
public final class Resources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Remembers {@code resource} for closing and returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Closes everything after a failed start; close failures are added to {@code failure}. */
    public void closeAfter(Exception failure) {
        closeAll(failure);
    }

    /** Closes everything, newest first; a failure to close one is logged and the rest still closed. */
    @Override
    public void close() {
        closeAll(null);
    }

    private void closeAll(Exception failure) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    LOG.warn("error while stopping: {}", e.toString());
                }
            }
        }
    }
}
