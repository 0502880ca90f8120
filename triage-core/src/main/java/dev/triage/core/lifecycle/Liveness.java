package dev.triage.core.lifecycle;

import java.util.Map;
import java.util.Objects;

/**
 * What a running service says of itself: {@code null} while every loop it depends on runs, else
 * why it cannot work any more (a worker or consumer thread that died). Served as {@code /health}
 * (503 with the reason) and watched by the command that runs the service, which then exits
 * non-zero so a supervisor restarts it. Never a constant: each part reports its own state.
 *
 * <p>Asked on every {@code /health} request and every second by the runner, from threads other
 * than the part's own: an answer reads volatile state and never blocks. A part that was closed on
 * purpose is not dead. An outage the part waits out (a broker or database away) is not either.
 */
@FunctionalInterface
public interface Liveness {

    /** Always alive: for a part that has no loop of its own. */
    Liveness ALIVE = () -> null;

    /** Null while alive, else the reason it is not. */
    String problem();

    /** The first problem among {@code parts}, prefixed with its name. */
    static Liveness all(Map<String, Liveness> parts) {
        Map<String, Liveness> copy = Map.copyOf(parts);
        return () -> copy.entrySet().stream()
                .map(e -> {
                    String problem = e.getValue().problem();
                    return problem == null ? null : e.getKey() + ": " + problem;
                })
                .filter(Objects::nonNull)
                .sorted()
                .findFirst().orElse(null);
    }
}
