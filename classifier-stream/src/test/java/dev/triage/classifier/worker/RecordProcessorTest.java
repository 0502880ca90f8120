package dev.triage.classifier.worker;

import dev.triage.classifier.Classifier;
import dev.triage.classifier.Labels;
import dev.triage.classifier.llm.LlmTransientException;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.kafka.Topics;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Provenance;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ErrorReply;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Source;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The processor's outputs and counters, with a producer whose acknowledgements the test gives. */
class RecordProcessorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final RecordProcessor processor = new RecordProcessor(producer, new FixedAnswer(), Topics.defaults(),
            Clock.fixed(NOW, ZoneOffset.UTC), registry);

    @Test
    void aClassifiedRequestAndItsReplyAreCountedOnceKafkaAcknowledgedBoth() {
        var done = processor.process(request("c-1", "I want a refund"));

        producer.completeNext();
        assertThat(count("triage.classifier.records.classified")).isZero();
        producer.completeNext();
        done.join();

        assertThat(count("triage.classifier.records.classified")).isEqualTo(1.0);
        assertThat(registry.get("triage.classifier.replies.sent").tag("type", "result").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("triage.classifier.replies.sent").tag("type", "error").counter().count()).isZero();
    }

    @Test
    void anAcknowledgedResultIsCountedUnderEachOfItsLabels() {
        var done = processor.process(record("c-3", conversation("c-3", "where is my parcel")));
        assertThat(registry.find("triage.classifier.labels").counters()).as("nothing acknowledged yet").isEmpty();
        producer.completeNext();
        done.join();

        assertThat(label("intent", "other")).isEqualTo(1.0);
        assertThat(label("topic", "other")).isEqualTo(1.0);
        assertThat(label("sentiment", "neutral")).isEqualTo(1.0);
        assertThat(registry.find("triage.classifier.labels").counters()).hasSize(3);
    }

    @Test
    void deadLettersAreCountedByErrorCode() {
        var done = processor.process(record("bad-1", "{not json".getBytes(StandardCharsets.UTF_8)));
        producer.completeNext();
        assertThat(done.join()).as("no model was asked: no sign that the server works").isFalse();

        assertThat(deadLettered(ErrorCode.INVALID_PAYLOAD)).isEqualTo(1.0);
        assertThat(deadLettered(ErrorCode.LLM_BAD_OUTPUT)).isZero();
        assertThat(count("triage.classifier.records.classified")).isZero();
        assertThat(registry.get("triage.classifier.replies.sent").tag("type", "error").counter().count()).isZero();
    }

    @Test
    void aRecordWhoseOutputKafkaRefusedIsNotCounted() {
        var done = processor.process(record("c-2", conversation("c-2", "where is my parcel")));
        producer.errorNext(new IllegalStateException("broker away"));

        assertThatThrownBy(done::join).hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(count("triage.classifier.records.classified")).isZero();
    }

    @Test
    void aRequestWhoseModelServerIsAwayFailsToBeTriedAgainAndItsCallerCanBeToldAtOnce() {
        RecordProcessor outage = new RecordProcessor(producer, new ModelAway(), Topics.defaults(),
                Clock.fixed(NOW, ZoneOffset.UTC), registry);
        ConsumerRecord<byte[], byte[]> request = request("c-3", "where is my parcel");

        var done = outage.process(request);

        assertThatThrownBy(done::join).hasRootCauseMessage("connection refused");
        assertThat(producer.history()).isEmpty();
        outage.replyUnavailable(request);
        assertThat(producer.history()).singleElement().satisfies(reply -> {
            assertThat(reply.topic()).isEqualTo("replies");
            assertThat(TriageHeaders.get(reply.headers(), TriageHeaders.ERROR_CODE)).isEqualTo("LLM_UNAVAILABLE");
            assertThat(TriageHeaders.get(reply.headers(), TriageHeaders.CORRELATION_ID)).isEqualTo("corr-c-3");
            assertThat(Json.decode(reply.value(), ErrorReply.class).message()).contains("model server is not answering")
                    .doesNotContain("connection refused");
        });
        producer.completeNext();
        assertThat(registry.get("triage.classifier.replies.sent").tag("type", "unavailable").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("triage.classifier.replies.sent").tag("type", "error").counter().count()).isZero();
        assertThat(count("triage.classifier.records.classified")).isZero();
        assertThat(deadLettered(ErrorCode.INVALID_PAYLOAD) + deadLettered(ErrorCode.LLM_BAD_OUTPUT)).isZero();
    }

    @Test
    void aRecordFromMongoWhoseModelServerIsAwayGetsNoReply() {
        RecordProcessor outage = new RecordProcessor(producer, new ModelAway(), Topics.defaults(),
                Clock.fixed(NOW, ZoneOffset.UTC), registry);

        ConsumerRecord<byte[], byte[]> query = record("q-1", conversation("q-1", "hello"));
        assertThatThrownBy(outage.process(query)::join).hasRootCauseMessage("connection refused");
        outage.replyUnavailable(query);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aRecordGivenUpIsDeadLetteredAsLlmFailedWithItsLastErrorAndItsCallerHears() {
        var done = processor.giveUp(request("c-4", "poison"),
                new LlmTransientException("model server answered HTTP 500", 500, null, null), 5);
        producer.completeNext();
        producer.completeNext();
        done.join();

        assertThat(producer.history()).hasSize(2).first().satisfies(deadLetter -> {
            assertThat(deadLetter.topic()).isEqualTo(Topics.defaults().deadLetter());
            assertThat(TriageHeaders.get(deadLetter.headers(), TriageHeaders.ERROR_CODE)).isEqualTo("LLM_FAILED");
            assertThat(TriageHeaders.get(deadLetter.headers(), TriageHeaders.ATTEMPTS)).isEqualTo("5");
            assertThat(TriageHeaders.get(deadLetter.headers(), TriageHeaders.HTTP_STATUS)).isEqualTo("500");
            assertThat(TriageHeaders.get(deadLetter.headers(), TriageHeaders.ERROR_MESSAGE)).contains("5 times")
                    .contains("HTTP 500");
        });
        assertThat(TriageHeaders.get(producer.history().get(1).headers(), TriageHeaders.ERROR_CODE)).isEqualTo("LLM_FAILED");
        assertThat(deadLettered(ErrorCode.LLM_FAILED)).isEqualTo(1.0);
    }

    /** A model server that refuses every connection: an outage, not the record's fault. */
    private static final class ModelAway implements Classifier {
        @Override
        public String model() {
            return "away";
        }

        @Override
        public String taxonomyVersion() {
            return "v";
        }

        @Override
        public CompletableFuture<Labels> classify(ConversationEnvelope conversation) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
        }
    }

    private double count(String name) {
        return registry.get(name).counter().count();
    }

    private double label(String kind, String label) {
        return registry.get("triage.classifier.labels").tag("kind", kind).tag("label", label).counter().count();
    }

    private double deadLettered(ErrorCode code) {
        return registry.get("triage.classifier.records.dead.lettered").tag("code", code.name()).counter().count();
    }

    private static ConsumerRecord<byte[], byte[]> request(String id, String text) {
        ConsumerRecord<byte[], byte[]> record = record(id, conversation(id, text));
        TriageHeaders.put(record.headers(), TriageHeaders.CORRELATION_ID, "corr-" + id);
        TriageHeaders.put(record.headers(), TriageHeaders.REPLY_TO, "replies");
        return record;
    }

    private static byte[] conversation(String id, String text) {
        return Json.encode(ConversationEnvelope.of(id, IdType.STRING, Source.API, List.of(new Message("customer", text)),
                Map.of(), NOW));
    }

    private static ConsumerRecord<byte[], byte[]> record(String id, byte[] value) {
        return new ConsumerRecord<>("triage.conversations", 0, 7, id.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Always answers the same labels, as a model would. */
    private static final class FixedAnswer implements Classifier {
        @Override
        public String model() {
            return "fixed";
        }

        @Override
        public String taxonomyVersion() {
            return "support-v1";
        }

        @Override
        public CompletableFuture<Labels> classify(ConversationEnvelope conversation) {
            return CompletableFuture.completedFuture(new Labels(new Classification("other", "other", "neutral"), "fixed",
                    1, 0, null, Provenance.llm()));
        }
    }
}
