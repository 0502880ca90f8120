package dev.triage.gateway.reply;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ReplyListenerTest {

    @Test
    void whenTheListenerStopsEveryWaitingRequestFailsAtOnce() throws Exception {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
        consumer.updateEndOffsets(Map.of(new TopicPartition("replies.gw", 0), 0L));
        ReplyListener listener = ReplyListener.assignedTo(consumer, "replies.gw", Duration.ofSeconds(1));
        CompletableFuture<Reply> waiting = listener.expect("c-1");
        Thread thread = new Thread(listener);
        thread.start();

        assertThat(listener.running()).isTrue();
        listener.stop();
        thread.join(5_000);

        assertThat(listener.running()).isFalse();
        await().atMost(Duration.ofSeconds(1)).until(waiting::isCompletedExceptionally);
        assertThat(listener.pending()).isZero();
    }

    @Test
    void aListenerStoppedOnPurposeHasNoProblemAndOneWhoseThreadDiedSaysWhy() throws Exception {
        ReplyListener stopped = listener(new MockConsumer<>("latest"));
        Thread thread = new Thread(stopped);
        thread.start();
        stopped.stop();
        thread.join(5_000);
        assertThat(stopped.problem()).isNull();

        MockConsumer<byte[], byte[]> failing = new MockConsumer<>("latest");
        ReplyListener died = listener(failing);
        failing.schedulePollTask(() -> {
            throw new IllegalStateException("broker said no");
        });
        assertThatThrownBy(died::run).hasMessage("broker said no");

        assertThat(died.running()).isFalse();
        assertThat(died.problem()).isEqualTo("java.lang.IllegalStateException: broker said no");
    }

    private static ReplyListener listener(MockConsumer<byte[], byte[]> consumer) {
        consumer.updateEndOffsets(Map.of(new TopicPartition("replies.gw", 0), 0L));
        return ReplyListener.assignedTo(consumer, "replies.gw", Duration.ofSeconds(1));
    }
}
