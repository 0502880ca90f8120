package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SenderTest {

    @Test
    void neverMoreThanConcurrencyInProgressAndOutcomesInInputOrder() throws Exception {
        List<CompletableFuture<Outcome>> started = new CopyOnWriteArrayList<>();
        List<Long> progress = new CopyOnWriteArrayList<>();
        Sender sender = new Sender(conversation -> {
            CompletableFuture<Outcome> f = new CompletableFuture<>();
            started.add(f);
            return f;
        }, 2, progress::add);
        List<JsonNode> conversations = IntStream.range(0, 5).mapToObj(i -> (JsonNode) JsonNodeFactory.instance.numberNode(i)).toList();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<List<Outcome>> outcomes = runner.submit(() -> sender.sendAll(conversations));

            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
            // finish them out of order: the outcomes still follow the input
            List<Integer> finishOrder = new ArrayList<>(List.of(1, 0, 3, 2, 4));
            for (int i : finishOrder) {
                await().atMost(Duration.ofSeconds(5)).until(() -> started.size() > i);
                started.get(i).complete(Outcome.failed("T" + i, "m", (long) i));
                assertThat(started.stream().filter(f -> !f.isDone()).count()).isLessThanOrEqualTo(2);
            }

            assertThat(outcomes.get()).extracting(Outcome::errorType).containsExactly("T0", "T1", "T2", "T3", "T4");
            assertThat(progress).containsExactly(1L, 2L, 3L, 4L, 5L);
        } finally {
            runner.shutdownNow();
        }
    }

    @Test
    void afterTheGatewayRefusesTheKeyTheRestIsNotSent() throws Exception {
        List<JsonNode> sent = new CopyOnWriteArrayList<>();
        Sender sender = new Sender(conversation -> {
            sent.add(conversation);
            return CompletableFuture.completedFuture(Outcome.failed("Unauthorized", "a valid API key is required", 3L));
        }, 1, done -> { });
        List<JsonNode> conversations = IntStream.range(0, 4).mapToObj(i -> (JsonNode) JsonNodeFactory.instance.numberNode(i)).toList();

        List<Outcome> outcomes = sender.sendAll(conversations);

        assertThat(sent).hasSize(1);
        assertThat(outcomes).extracting(Outcome::errorType).containsExactly("Unauthorized", "NotSent", "NotSent", "NotSent");
        assertThat(outcomes.get(1).message()).contains("Unauthorized: a valid API key is required");
    }
}
