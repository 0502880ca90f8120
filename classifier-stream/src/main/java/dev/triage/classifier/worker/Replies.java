package dev.triage.classifier.worker;

import dev.triage.core.json.Json;
import dev.triage.core.kafka.TriageHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.time.Instant;
import java.util.Optional;

/**
 * The reply to a synchronous request, addressed by the request's reply headers. A request
 * without them, or whose caller's deadline has passed, gets no reply.
 */
final class Replies {

    private Replies() {
    }

    static Optional<ProducerRecord<byte[], byte[]>> to(ConsumerRecord<byte[], byte[]> request, Object body,
                                                       String errorCode, Instant now) {
        String replyTo = TriageHeaders.get(request.headers(), TriageHeaders.REPLY_TO);
        String correlationId = TriageHeaders.get(request.headers(), TriageHeaders.CORRELATION_ID);
        if (replyTo == null || correlationId == null || deadlinePassed(request, now)) {
            return Optional.empty();
        }
        RecordHeaders headers = new RecordHeaders();
        TriageHeaders.put(headers, TriageHeaders.CORRELATION_ID, correlationId);
        if (errorCode != null) {
            TriageHeaders.put(headers, TriageHeaders.ERROR_CODE, errorCode);
        }
        Integer partition = parseIntOrNull(TriageHeaders.get(request.headers(), TriageHeaders.REPLY_PARTITION));
        return Optional.of(new ProducerRecord<>(replyTo, partition, request.key(), Json.encode(body), headers));
    }

    private static boolean deadlinePassed(ConsumerRecord<byte[], byte[]> request, Instant now) {
        Long deadline = parseLongOrNull(TriageHeaders.get(request.headers(), TriageHeaders.DEADLINE));
        return deadline != null && now.toEpochMilli() > deadline;
    }

    private static Integer parseIntOrNull(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLongOrNull(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
