package dev.triage.core.kafka;

import dev.triage.core.json.PayloadException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterTest {

    @Test
    void keepsKeyAndBytesAndAddsTheVersionedHeaders() {
        byte[] key = "q1".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{garbage".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>("triage.conversations", 2, 17L, key, value);
        TriageHeaders.put(failed.headers(), TriageHeaders.REPLAY_COUNT, 2);
        TriageHeaders.put(failed.headers(), TriageHeaders.CORRELATION_ID, "c-1");

        ProducerRecord<byte[], byte[]> dead = DeadLetter.of(failed, "triage.dead-letter", "classifier",
                ErrorCode.INVALID_PAYLOAD, new PayloadException("not JSON"), 1, Instant.parse("2026-11-27T10:00:00Z"));

        assertThat(dead.topic()).isEqualTo("triage.dead-letter");
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(value);
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.DLQ_VERSION)).isEqualTo("1");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.ERROR_CODE)).isEqualTo("INVALID_PAYLOAD");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.ERROR_MESSAGE)).isEqualTo("not JSON");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.ERROR_CLASS)).isEqualTo(PayloadException.class.getName());
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.ORIGINAL_TOPIC)).isEqualTo("triage.conversations");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.ORIGINAL_PARTITION)).isEqualTo("2");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.ORIGINAL_OFFSET)).isEqualTo("17");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.FAILED_AT)).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.STAGE)).isEqualTo("classifier");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.REPLAY_COUNT)).isEqualTo("2");
        assertThat(TriageHeaders.get(dead.headers(), TriageHeaders.CORRELATION_ID)).isEqualTo("c-1");
        assertThat(dead.headers().headers(TriageHeaders.REPLAY_COUNT)).hasSize(1);
    }
}
