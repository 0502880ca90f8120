package dev.triage.core.kafka;

import dev.triage.core.config.Env;

import java.util.List;

/** Names of the pipeline's topics; all configurable, defaults as in the architecture. */
public record Topics(String conversations, String classifications, String replies, String deadLetter) {

    public Topics {
        Env.requireText("TOPIC_CONVERSATIONS", conversations);
        Env.requireText("TOPIC_CLASSIFICATIONS", classifications);
        Env.requireText("TOPIC_REPLIES", replies);
        Env.requireText("TOPIC_DEAD_LETTER", deadLetter);
    }

    public static Topics defaults() {
        return new Topics("triage.conversations", "triage.classifications", "triage.replies", "triage.dead-letter");
    }

    public static Topics fromEnv(Env env) {
        Topics d = defaults();
        return new Topics(
                env.string("TOPIC_CONVERSATIONS", d.conversations()),
                env.string("TOPIC_CLASSIFICATIONS", d.classifications()),
                env.string("TOPIC_REPLIES", d.replies()),
                env.string("TOPIC_DEAD_LETTER", d.deadLetter()));
    }

    /** The same names with {@code prefix} in front; gives each test its own topics. */
    public Topics withPrefix(String prefix) {
        return new Topics(prefix + conversations, prefix + classifications, prefix + replies, prefix + deadLetter);
    }

    public List<String> all() {
        return List.of(conversations, classifications, replies, deadLetter);
    }
}
