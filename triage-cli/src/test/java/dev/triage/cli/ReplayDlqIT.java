package dev.triage.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.Env;
import dev.triage.core.kafka.TriageHeaders;
import dev.triage.localstack.llm.Faults;
import dev.triage.localstack.testing.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Dead letters from a misbehaving model, replayed once it behaves, as a user runs {@code replay-dlq}. */
class ReplayDlqIT {

    @TempDir
    Path dir;

    @Test
    void deadLettersAreReplayedOnceAfterTheModelIsFixedAndTheCapParksTheRest() throws Exception {
        Faults faults = new Faults().badOutputRate(1.0);
        try (LocalStack stack = LocalStack.start(new Env(Map.of("LLM_MAX_ATTEMPTS", "2")),
                new LocalStack.Options(0, 0, 0, dir, faults));
             MongoClient client = MongoClients.create(stack.mongoUri());
             KafkaTestClient kafka = new KafkaTestClient(stack.kafkaBootstrapServers())) {
            MongoCollection<Document> queries = client.getDatabase("customer_support").getCollection("queries");
            queries.insertMany(IntStream.range(0, 5).mapToObj(i -> new Document("_id", "q-" + i)
                    .append("text", "refund please " + i).append("processed", false)).toList());
            await().atMost(Duration.ofSeconds(60)).until(() -> queries.countDocuments(Filters.eq("status", "failed")) == 5);

            CliRun dry = CliRun.of("replay-dlq", "--dry-run", "--kafka-bootstrap-servers", stack.kafkaBootstrapServers());
            assertThat(dry.exit()).isEqualTo(1);
            assertThat(dry.out()).contains("5 dead letters not read before, 5 chosen", "LLM_BAD_OUTPUT");

            faults.badOutputRate(0);
            CliRun replay = CliRun.of("replay-dlq", "--error-code", "LLM_BAD_OUTPUT",
                    "--kafka-bootstrap-servers", stack.kafkaBootstrapServers());
            assertThat(replay.exit()).as(replay.out() + replay.err()).isZero();
            assertThat(replay.out()).contains("replayed 5, parked 0");
            await().atMost(Duration.ofSeconds(60)).until(() -> queries.countDocuments(Filters.eq("processed", true)) == 5);
            assertThat(queries.countDocuments(Filters.eq("status", "classified"))).isEqualTo(5);

            CliRun again = CliRun.of("replay-dlq", "--kafka-bootstrap-servers", stack.kafkaBootstrapServers());
            assertThat(again.exit()).isZero();
            assertThat(again.out()).contains("0 dead letters not read before", "replayed 0, parked 0");

            ProducerRecord<byte[], byte[]> tired = new ProducerRecord<>("triage.dead-letter",
                    "q-x".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
            TriageHeaders.put(tired.headers(), TriageHeaders.ERROR_CODE, "LLM_BAD_OUTPUT");
            TriageHeaders.put(tired.headers(), TriageHeaders.REPLAY_COUNT, 3);
            kafka.send(tired);
            CliRun capped = CliRun.of("replay-dlq", "--max-replays", "3", "--kafka-bootstrap-servers", stack.kafkaBootstrapServers());
            assertThat(capped.exit()).isEqualTo(1);
            assertThat(capped.out()).contains("replayed 0, parked 1");
            List<ConsumerRecord<byte[], byte[]>> parked = kafka.readAtLeast("triage.dead-letter.parked", 1, Duration.ofSeconds(10));
            assertThat(new String(parked.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("q-x");
        }
    }
}
