package dev.triage.cli.replay;

import dev.triage.core.kafka.Topics;
import dev.triage.core.kafka.TriageHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * The stage a dead letter failed in ({@code triage-stage}), and so where its replay goes: a
 * classifier dead letter holds a conversation and goes back to the conversations topic; a sink
 * dead letter holds a classification result and goes back to the classifications topic.
 * {@link #ALL} only selects.
 */
enum Stage {
    CLASSIFIER, SINK, ALL;

    /** The stage named by the dead letter's header; one without the header (older or foreign) counts as the classifier's. */
    static Stage of(ConsumerRecord<byte[], byte[]> deadLetter) {
        String stage = TriageHeaders.get(deadLetter.headers(), TriageHeaders.STAGE);
        return "sink".equals(stage) ? SINK : CLASSIFIER;
    }

    boolean selects(Stage stage) {
        return this == ALL || this == stage;
    }

    /** The topic a dead letter of this stage is replayed to. */
    String target(Topics topics) {
        return this == SINK ? topics.classifications() : topics.conversations();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code classifier}, {@code sink} or {@code all}, as users type them. */
    static final class Converter implements ITypeConverter<Stage> {
        @Override
        public Stage convert(String value) {
            for (Stage stage : values()) {
                if (stage.toString().equals(value.toLowerCase(Locale.ROOT))) {
                    return stage;
                }
            }
            throw new TypeConversionException("must be classifier, sink or all, was '" + value + "'");
        }
    }
}
