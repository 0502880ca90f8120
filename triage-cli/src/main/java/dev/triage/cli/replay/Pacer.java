package dev.triage.cli.replay;

/**
 * Spaces replays to at most {@code rate} per second from the first one ({@code --rate}); no rate
 * means no waiting.
 */
final class Pacer {

    private final Double rate;
    private long started = -1;
    private long granted;

    /** {@code rate}: replays per second, > 0, or null. */
    Pacer(Double rate) {
        this.rate = rate;
    }

    /** Waits until the next replay is due. */
    void awaitTurn() throws InterruptedException {
        if (rate == null) {
            return;
        }
        if (started < 0) {
            started = System.nanoTime();
        }
        long wait = started + (long) (granted++ / rate * 1e9) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
