package dev.triage.core.kafka;

import dev.triage.core.config.Env;

import java.util.List;

/** Names of the pipeline's topics; all configurable, defaults as in the architecture. */
public record Topics(String conversations, String classifications, String replies, String deadLetter, String stats) {

    public Topics {
        Env.requireText("TOPIC_CONVERSATIONS", conversations);
        Env.requireText("TOPIC_CLASSIFICATIONS", classifications);
        Env.requireText("TOPIC_REPLIES", replies);
        Env.requireText("TOPIC_DEAD_LETTER", deadLetter);
        Env.requireText("TOPIC_STATS", stats);
    }

    public static Topics defaults() {
        return new Topics("triage.conversations", "triage.classifications", "triage.replies", "triage.dead-letter",
                "triage.stats");
    }

    public static Topics fromEnv(Env env) {
        Topics d = defaults();
        return new Topics(
                env.string("TOPIC_CONVERSATIONS", d.conversations()),
                env.string("TOPIC_CLASSIFICATIONS", d.classifications()),
                env.string("TOPIC_REPLIES", d.replies()),
                env.string("TOPIC_DEAD_LETTER", d.deadLetter()),
                env.string("TOPIC_STATS", d.stats()));
    }

    /** The same names with {@code prefix} in front; gives each test its own topics. */
    public Topics withPrefix(String prefix) {
        return new Topics(prefix + conversations, prefix + classifications, prefix + replies, prefix + deadLetter,
                prefix + stats);
    }

    /** Where {@code replay-dlq} parks dead letters replayed too often: the dead-letter topic + {@code .parked}. */
    public String parked() {
        return deadLetter + ".parked";
    }

    /**
     * The topics every service makes sure exist at start. Not {@code replies}: it is only the
     * prefix of each gateway's own reply topic, which the gateway creates.
     */
    public List<String> all() {
        return List.of(conversations, classifications, deadLetter, stats);
    }
}
