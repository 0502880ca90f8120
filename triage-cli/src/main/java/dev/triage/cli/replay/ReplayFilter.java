package dev.triage.cli.replay;

import dev.triage.core.kafka.TriageHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Which dead letters a replay takes: of {@code stage}, failed within [{@code since}, {@code until})
 * and, when codes are given, with one of those error codes. Null bounds are open.
 */
record ReplayFilter(Stage stage, Instant since, Instant until, Set<String> errorCodes) {

    boolean matches(ConsumerRecord<byte[], byte[]> deadLetter) {
        if (!stage.selects(Stage.of(deadLetter))) {
            return false;
        }
        String code = TriageHeaders.get(deadLetter.headers(), TriageHeaders.ERROR_CODE);
        if (!errorCodes.isEmpty() && !errorCodes.contains(code)) {
            return false;
        }
        if (since == null && until == null) {
            return true;
        }
        Instant failedAt = failedAt(deadLetter);
        return failedAt != null && (since == null || !failedAt.isBefore(since)) && (until == null || failedAt.isBefore(until));
    }

    private static Instant failedAt(ConsumerRecord<byte[], byte[]> deadLetter) {
        String value = TriageHeaders.get(deadLetter.headers(), TriageHeaders.FAILED_AT);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
