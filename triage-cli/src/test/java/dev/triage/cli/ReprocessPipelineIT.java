package dev.triage.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import dev.triage.cli.local.LocalStack;
import dev.triage.core.config.Env;
import dev.triage.localstack.llm.Faults;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Queries the pipeline failed, reset with {@code triage reprocess}, go through relay, classifier and sink again. */
class ReprocessPipelineIT {

    @TempDir
    Path dir;

    @Test
    void queriesMarkedFailedByThePipelineEndClassifiedAfterReprocess() {
        Faults faults = new Faults().badOutputRate(1.0);
        try (LocalStack stack = LocalStack.start(new Env(Map.of("LLM_MAX_ATTEMPTS", "2")),
                new LocalStack.Options(0, 0, 0, dir, faults));
             MongoClient client = MongoClients.create(stack.mongoUri())) {
            MongoCollection<Document> queries = client.getDatabase("customer_support").getCollection("queries");
            MongoCollection<Document> results = client.getDatabase("customer_support").getCollection("results");
            queries.insertMany(IntStream.range(0, 4).mapToObj(i -> new Document("_id", "q-" + i)
                    .append("text", "my parcel never arrived " + i).append("processed", false)).toList());
            await().atMost(Duration.ofSeconds(60)).until(() -> queries.countDocuments(Filters.eq("status", "failed")) == 4);
            faults.badOutputRate(0);

            CliRun run = CliRun.of("reprocess", "--mongodb-uri", stack.mongoUri());

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("\"matched\": 4, \"reset\": 4");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> queries.countDocuments(Filters.eq("status", "classified")) == 4);
            assertThat(queries.countDocuments(Filters.eq("processed", true))).isEqualTo(4);
            assertThat(queries.countDocuments(Filters.exists("last_error"))).isZero();
            List<Document> perQuery = results.aggregate(List.of(
                    Aggregates.group("$query_id", Accumulators.sum("n", 1)))).into(new ArrayList<>());
            assertThat(perQuery).hasSize(4).allSatisfy(d -> assertThat(d.getInteger("n")).as(d.toJson()).isEqualTo(1));
        }
    }
}
