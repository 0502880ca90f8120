package dev.triage.localstack.llm;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where the simulator writes one line per chat call it answers, for reading after a run:
 * {@code <conversation key> <status> <ISO-8601 UTC time>}, tab-separated, flushed line by line so
 * that a reader sees every call answered so far. {@link #NONE} writes nothing.
 */
public sealed interface CallsLog extends AutoCloseable permits CallsLog.None, CallsLog.ToFile {

    CallsLog NONE = new None();

    /** Creates {@code file} (or empties it) and writes to it. */
    static CallsLog toFile(Path file) {
        try {
            return new ToFile(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the calls log " + file + ": " + e.getMessage(), e);
        }
    }

    void record(String conversation, int status, Instant at);

    @Override
    void close();

    /** Logs nothing. */
    final class None implements CallsLog {
        private None() {
        }

        @Override
        public void record(String conversation, int status, Instant at) {
        }

        @Override
        public void close() {
        }
    }

    /** Lines to a file; calls from several threads are written one at a time. */
    final class ToFile implements CallsLog {
        private final BufferedWriter out;

        private ToFile(BufferedWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void record(String conversation, int status, Instant at) {
            try {
                out.write(conversation + "\t" + status + "\t" + at + "\n");
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the calls log: " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the calls log: " + e.getMessage(), e);
            }
        }
    }
}
