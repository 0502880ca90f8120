package dev.triage.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.kafka.KafkaClients;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.core.kafka.TopicAdmin;
import dev.triage.core.kafka.Topics;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.core.lifecycle.Liveness;
import dev.triage.core.model.Classification;
import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.ErrorReply;
import dev.triage.core.model.Provenance;
import dev.triage.localstack.EmbeddedKafka;
import dev.triage.localstack.EmbeddedMongo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.bson.Document;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real broker and MongoDB-wire server, and a responder standing in for the classifier on the
 * other side of the topics (the gateway must not depend on the classifier module; the full
 * pipeline is tested in triage-cli). Gateways are started from environment maps like the real
 * command does.
 */
final class GatewayStack implements AutoCloseable {

    final EmbeddedKafka kafka;
    final EmbeddedMongo mongo;
    final MongoClient mongoClient;
    final String prefix;
    final Responder responder;
    private final List<GatewayService> gateways = new ArrayList<>();

    GatewayStack(Path dir, String prefix) {
        this.kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        this.mongo = EmbeddedMongo.inMemory(0);
        this.mongoClient = MongoClients.create(mongo.connectionString());
        this.prefix = prefix;
        this.responder = new Responder(KafkaSettings.fromEnv(new Env(env(Map.of()))));
        responder.thread.start();
    }

    /** The environment of a gateway on a free port, relay off, 15 s timeout; {@code overrides} win. */
    Map<String, String> env(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        for (String topic : List.of("CONVERSATIONS", "CLASSIFICATIONS", "REPLIES", "DEAD_LETTER", "STATS")) {
            env.put("TOPIC_" + topic, prefix + topic.toLowerCase(java.util.Locale.ROOT));
        }
        env.put("MONGODB_URI", mongo.connectionString());
        env.put("MONGODB_DB", "gateway");
        env.put("GATEWAY_HOST", "localhost");
        env.put("GATEWAY_PORT", "0");
        env.put("GATEWAY_INSTANCE_ID", "gw-main");
        env.put("CLASSIFY_TIMEOUT", "15s"); // a loaded CI machine can stall for seconds; 504 tests set their own
        env.put("GATEWAY_MAX_BODY_BYTES", "65536");
        env.put("RELAY_ENABLED", "false");
        env.putAll(overrides);
        return env;
    }

    GatewayService gateway(Map<String, String> overrides) {
        return gateway(overrides, Liveness.ALIVE);
    }

    /** A gateway beside {@code others} in the same process, as {@code triage local} runs it. */
    GatewayService gateway(Map<String, String> overrides, Liveness others) {
        GatewayService gateway = GatewayService.start(GatewayConfig.fromEnv(new Env(env(overrides))), others);
        gateways.add(gateway);
        return gateway;
    }

    MongoCollection<Document> results() {
        return mongoClient.getDatabase("gateway").getCollection("results");
    }

    @Override
    public void close() throws InterruptedException {
        gateways.forEach(GatewayService::close);
        responder.running = false;
        responder.thread.join();
        mongoClient.close();
        mongo.close();
        kafka.close();
    }

    /** A small HTTP client for one gateway. */
    static final class Api {
        static final HttpClient HTTP = HttpClient.newHttpClient();
        final int port;

        Api(GatewayService gateway) {
            this.port = gateway.port();
        }

        HttpResponse<String> post(String path, String body, String... headers) throws Exception {
            return HTTP.send(request(path, body, headers), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path, String... headers) throws Exception {
            return HTTP.send(getRequest(path, headers), HttpResponse.BodyHandlers.ofString());
        }

        HttpRequest getRequest(String path, String... headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return request.build();
        }

        HttpRequest request(String path, String body, String... headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return request.build();
        }

        URI uri(String path) {
            return URI.create("http://localhost:" + port + path);
        }

        static String conversation(String id, String text) {
            return "{\"conversation_number\": \"" + id + "\", \"messages\": [{\"sender\": \"customer\", \"text\": \"" + text + "\"}]}";
        }

        static JsonNode json(HttpResponse<String> response) {
            return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
        }

        static void assertError(HttpResponse<String> response, int status, String type, String messagePart) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            JsonNode error = json(response).get("error");
            assertThat(error.get("type").asText()).isEqualTo(type);
            assertThat(error.get("message").asText()).contains(messagePart);
        }
    }

    /**
     * Answers each request on its reply headers: an echo, INVALID_PAYLOAD for "poison",
     * LLM_BAD_OUTPUT for "nonsense", LLM_REJECTED for "refused", nothing for "silence". Remembers every conversation it saw.
     */
    static final class Responder implements Runnable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final KafkaProducer<byte[], byte[]> producer;
        final Topics topics;
        final Thread thread = new Thread(this, "responder");
        final Map<String, ConsumerRecord<byte[], byte[]>> seen = new ConcurrentHashMap<>();
        volatile boolean running = true;

        Responder(KafkaSettings settings) {
            topics = settings.topics();
            producer = KafkaClients.producer(settings, "responder");
            // assigned, not subscribed: no group to join, so it reads from the first request on
            TopicAdmin.ensureTopics(settings, List.of(topics.conversations()), Duration.ofSeconds(30));
            consumer = KafkaClients.consumer(settings, "responder", "responder", 100);
            KafkaClients.assignAtEnd(consumer, List.of(topics.conversations()), Duration.ofSeconds(30));
        }

        @Override
        public void run() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    reply(r);
                }
            }
            consumer.close();
            producer.close();
        }

        private void reply(ConsumerRecord<byte[], byte[]> request) {
            ConversationEnvelope c = Json.decode(request.value(), ConversationEnvelope.class);
            seen.put(c.id(), request);
            String text = c.messages().get(0).text();
            String replyTo = TriageHeaders.get(request.headers(), TriageHeaders.REPLY_TO);
            if (text.equals("silence") || replyTo == null) {
                return;
            }
            RecordHeaders headers = new RecordHeaders();
            TriageHeaders.put(headers, TriageHeaders.CORRELATION_ID, TriageHeaders.get(request.headers(), TriageHeaders.CORRELATION_ID));
            Object body = switch (text) {
                case "poison" -> error(headers, "INVALID_PAYLOAD", "poisoned conversation");
                case "nonsense" -> error(headers, "LLM_BAD_OUTPUT", "the model answered nonsense 3 times");
                case "refused" -> error(headers, "LLM_REJECTED", "the model server answered 400: context too long");
                case "learned" -> new ClassificationResult(1, c.id(), c.idType(), c.source(),
                        new Classification("feedback", "product", "positive"), "learned:m", "t", 1, 0, null, Instant.now(),
                        Provenance.learned(java.util.Map.of("intent", 0.91, "topic", 0.62, "sentiment", 0.88)));
                default -> new ClassificationResult(1, c.id(), c.idType(), c.source(),
                        new Classification("echo-" + c.id(), "order", "neutral"), "responder", "t", 1, 0, null, Instant.now());
            };
            producer.send(new ProducerRecord<>(replyTo,
                    Integer.valueOf(TriageHeaders.get(request.headers(), TriageHeaders.REPLY_PARTITION)),
                    request.key(), Json.encode(body), headers));
        }

        private static ErrorReply error(RecordHeaders headers, String code, String message) {
            TriageHeaders.put(headers, TriageHeaders.ERROR_CODE, code);
            return new ErrorReply(code, message);
        }
    }
}
