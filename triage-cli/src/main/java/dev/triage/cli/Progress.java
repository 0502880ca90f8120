package dev.triage.cli;

/** A one-line progress bar on standard error, redrawn at most five times a second. */
public final class Progress {

    private static final int WIDTH = 40;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final long total;
    private long lastDrawn = Long.MIN_VALUE;

    public Progress(long total) {
        this.total = total;
    }

    public void update(long done) {
        long now = System.nanoTime();
        if (done < total && now - lastDrawn < REDRAW_NANOS) {
            return;
        }
        lastDrawn = now;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
        System.err.printf("\r  [%s%s] %d/%d", "#".repeat(filled), " ".repeat(WIDTH - filled), done, total);
        if (done >= total) {
            System.err.println();
        }
    }
}
