package dev.triage.localstack;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.core.mongo.Publishers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EmbeddedStackIT {

    @TempDir
    Path dir;

    @Test
    void kafkaBrokerCreatesTopicsAndDeliversRecords() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
            KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), Topics.defaults().withPrefix("stack."), 3, (short) 1);
            TopicAdmin.ensureTopics(settings, settings.topics().all(), Duration.ofSeconds(30));
            TopicAdmin.ensureTopics(settings, settings.topics().all(), Duration.ofSeconds(30)); // idempotent
            String topic = settings.topics().conversations();
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
                }
            }
            List<String> seen = new ArrayList<>();
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "stack-it",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                    return seen.size() == 10;
                });
            }
            assertThat(seen).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
        }
    }

    @Test
    void kafkaOnATakenPortFailsNamingThePortAndTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedKafka.start(port, dir.resolve("kafka")))
                    .hasMessageContaining(String.valueOf(port)).hasMessageContaining("--kafka-port");
        }
    }

    @Test
    void mongoServesChangeStreams() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> queries = client.getDatabase("stack").getCollection("queries");
            List<Document> events = new CopyOnWriteArrayList<>();
            queries.watch().subscribe(new Subscriber<ChangeStreamDocument<Document>>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ChangeStreamDocument<Document> event) {
                    events.add(event.getFullDocument());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            });
            // the stream's cursor opens asynchronously: probes until one is seen, then the real insert
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Publishers.first(queries.insertOne(new Document("text", "probe"))).get(5, TimeUnit.SECONDS);
                return !events.isEmpty();
            });
            Publishers.first(queries.insertOne(new Document("text", "hello").append("processed", false))).get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> "hello".equals(e.getString("text"))));
            assertThat(events.get(events.size() - 1).getString("text")).isEqualTo("hello");
        }
    }

    @Test
    void mongoInADirectoryKeepsDataAcrossRestarts() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(dir.resolve("mongo"), 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            Publishers.first(client.getDatabase("stack").getCollection("queries").insertOne(new Document("_id", "q1")))
                    .get(5, TimeUnit.SECONDS);
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.inDirectory(dir.resolve("mongo"), 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            Long count = Publishers.first(client.getDatabase("stack").getCollection("queries").countDocuments())
                    .get(5, TimeUnit.SECONDS);
            assertThat(count).isEqualTo(1L);
        }
    }
}
