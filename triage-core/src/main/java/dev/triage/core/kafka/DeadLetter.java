package dev.triage.core.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.time.Instant;

/**
 * Builds the dead-letter copy of a failed record: same key, same bytes, the original headers,
 * plus the versioned {@code triage-*} error headers of {@link TriageHeaders}.
 */
public final class DeadLetter {

    public static final int VERSION = 1;
    private static final int MAX_MESSAGE_CHARS = 1000;

    private DeadLetter() {
    }

    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> failed, String deadLetterTopic,
                                                    String stage, ErrorCode code, Throwable error,
                                                    int attempts, Instant failedAt) {
        Headers headers = new RecordHeaders(failed.headers().toArray());
        String replayCount = TriageHeaders.get(failed.headers(), TriageHeaders.REPLAY_COUNT);
        TriageHeaders.put(headers, TriageHeaders.DLQ_VERSION, VERSION);
        TriageHeaders.put(headers, TriageHeaders.ERROR_CODE, code.name());
        TriageHeaders.put(headers, TriageHeaders.ERROR_MESSAGE, truncate(String.valueOf(error.getMessage())));
        TriageHeaders.put(headers, TriageHeaders.ERROR_CLASS, error.getClass().getName());
        TriageHeaders.put(headers, TriageHeaders.ATTEMPTS, attempts);
        TriageHeaders.put(headers, TriageHeaders.ORIGINAL_TOPIC, failed.topic());
        TriageHeaders.put(headers, TriageHeaders.ORIGINAL_PARTITION, failed.partition());
        TriageHeaders.put(headers, TriageHeaders.ORIGINAL_OFFSET, failed.offset());
        TriageHeaders.put(headers, TriageHeaders.FAILED_AT, failedAt);
        TriageHeaders.put(headers, TriageHeaders.STAGE, stage);
        TriageHeaders.put(headers, TriageHeaders.REPLAY_COUNT, replayCount == null ? "0" : replayCount);
        return new ProducerRecord<>(deadLetterTopic, null, failed.key(), failed.value(), headers);
    }

    /**
     * Adds what the model did to a dead letter: its name, the HTTP status of its last answer and
     * that answer (truncated); absent values are left out.
     */
    public static ProducerRecord<byte[], byte[]> withLlm(ProducerRecord<byte[], byte[]> deadLetter, String model,
                                                         int httpStatus, String llmOutput) {
        if (model != null) {
            TriageHeaders.put(deadLetter.headers(), TriageHeaders.MODEL, model);
        }
        if (httpStatus > 0) {
            TriageHeaders.put(deadLetter.headers(), TriageHeaders.HTTP_STATUS, httpStatus);
        }
        if (llmOutput != null) {
            TriageHeaders.put(deadLetter.headers(), TriageHeaders.LLM_OUTPUT, truncate(llmOutput));
        }
        return deadLetter;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
