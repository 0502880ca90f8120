package dev.triage.localstack.llm;

import java.util.Random;

/** The simulator's one seeded source of chance, so that a seed replays the same faults in the same order. */
final class Dice {

    private final Random random;

    Dice(long seed) {
        this.random = new Random(seed);
    }

    /** Uniform in [0, 1). */
    synchronized double roll() {
        return random.nextDouble();
    }
}
