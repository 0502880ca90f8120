package dev.triage.cli.replay;

import dev.triage.core.kafka.TriageHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dead-letter topic holds that was not read before, by stage and error code, and how
 * many of those the filter chooses. Only counts are kept, so it fits any topic.
 */
final class Summary {

    private final ReplayFilter filter;
    private final Map<String, long[]> byStageAndCode = new TreeMap<>();
    private long read;
    private long chosen;

    Summary(ReplayFilter filter) {
        this.filter = filter;
    }

    void count(ConsumerRecord<byte[], byte[]> deadLetter) {
        String code = TriageHeaders.get(deadLetter.headers(), TriageHeaders.ERROR_CODE);
        long[] counts = byStageAndCode.computeIfAbsent(String.format("%-10s %s", Stage.of(deadLetter),
                code == null ? "(none)" : code), k -> new long[2]);
        boolean matches = filter.matches(deadLetter);
        counts[0]++;
        counts[1] += matches ? 1 : 0;
        read++;
        chosen += matches ? 1 : 0;
    }

    long chosen() {
        return chosen;
    }

    void print(PrintStream out, String deadLetterTopic) {
        out.printf("%d dead letters not read before, %d chosen%n", read, chosen);
        byStageAndCode.forEach((key, n) -> out.printf("  %-36s %6d  chosen %d%n", key, n[0], n[1]));
        if (read > chosen) {
            out.printf("the %d not chosen will be put back at the end of %s, unchanged, for a later run%n",
                    read - chosen, deadLetterTopic);
        }
    }
}
