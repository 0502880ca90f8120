package dev.triage.cli.replay;

import java.util.Map;
import java.util.TreeMap;

/** What a run did, counted as Kafka acknowledged it. Owned by the thread that replays. */
final class Outcome {

    private final Map<String, Long> replayedTo = new TreeMap<>();
    private long replayed;
    private long parked;
    private long kept;

    void count(Replayer.Action action, String topic) {
        switch (action) {
            case REPLAY -> {
                replayed++;
                replayedTo.merge(topic, 1L, Long::sum);
            }
            case PARK -> parked++;
            case KEEP -> kept++;
        }
    }

    long replayed() {
        return replayed;
    }

    long parked() {
        return parked;
    }

    long kept() {
        return kept;
    }

    /** Replays per target topic. */
    Map<String, Long> replayedTo() {
        return Map.copyOf(replayedTo);
    }
}
