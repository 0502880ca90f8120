package dev.triage.classifier.worker;

import dev.triage.classifier.Classifier;
import dev.triage.classifier.Labels;
import dev.triage.core.json.Json;
import dev.triage.core.json.PayloadException;
import dev.triage.core.kafka.BatchLoop;
import dev.triage.core.kafka.DeadLetter;
import dev.triage.core.kafka.ErrorCode;
import dev.triage.core.kafka.Topics;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.ErrorReply;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Classifies a batch of conversations and sends, per record, the result (plus the reply of a
 * synchronous request) or, for a record that cannot be classified, its dead letter (plus an error
 * reply). Returns only when Kafka acknowledged every output, so the batch may then be committed.
 */
public final class ConversationHandler implements BatchLoop.BatchHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationHandler.class);
    static final String STAGE = "classifier";

    private final Producer<byte[], byte[]> producer;
    private final Classifier classifier;
    private final Topics topics;
    private final Clock clock;

    public ConversationHandler(Producer<byte[], byte[]> producer, Classifier classifier, Topics topics, Clock clock) {
        this.producer = producer;
        this.classifier = classifier;
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public void handle(ConsumerRecords<byte[], byte[]> batch) throws ExecutionException, InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            outputsOf(record).forEach(out -> sends.add(producer.send(out)));
        }
        for (Future<RecordMetadata> send : sends) {
            send.get();
        }
    }

    private List<ProducerRecord<byte[], byte[]>> outputsOf(ConsumerRecord<byte[], byte[]> record) {
        ConversationEnvelope conversation;
        try {
            conversation = EnvelopeValidator.validate(Json.decode(record.value(), ConversationEnvelope.class));
        } catch (PayloadException e) {
            return deadLetter(record, e);
        }
        Labels labels = classifier.classify(conversation).join();
        ClassificationResult result = new ClassificationResult(ClassificationResult.VERSION, conversation.id(),
                conversation.idType(), conversation.source(), labels.classification(), classifier.model(),
                classifier.taxonomyVersion(), labels.attempts(), labels.latencyMs(), labels.tokens(), clock.instant());
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        outputs.add(new ProducerRecord<>(topics.classifications(), record.key(), Json.encode(result)));
        Replies.to(record, result, null, clock.instant()).ifPresent(outputs::add);
        return outputs;
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(ConsumerRecord<byte[], byte[]> record, PayloadException e) {
        LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        outputs.add(DeadLetter.of(record, topics.deadLetter(), STAGE, ErrorCode.INVALID_PAYLOAD, e, 1, clock.instant()));
        ErrorReply reply = new ErrorReply(ErrorCode.INVALID_PAYLOAD.name(), e.getMessage());
        Replies.to(record, reply, reply.code(), clock.instant()).ifPresent(outputs::add);
        return outputs;
    }
}
