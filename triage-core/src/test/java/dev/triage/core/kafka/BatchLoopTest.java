package dev.triage.core.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class BatchLoopTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    private final List<Long> committedAtEachCall = new ArrayList<>();
    private final List<Long> handled = new ArrayList<>();
    private final List<Long> positionsWhilePaused = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();

    @Test
    void aFailedBatchIsRewoundPausedAndOfferedAgainAndCommittedOnlyAfterSuccess() {
        BatchLoop[] loop = new BatchLoop[1];
        loop[0] = new BatchLoop("test", consumer, List.of("in"), batch -> {
            committedAtEachCall.add(committedOffset());
            if (committedAtEachCall.size() == 1) {
                throw new IllegalStateException("database away");
            }
            batch.forEach(r -> handled.add(r.offset()));
        }, Duration.ofSeconds(7), clock::get, () -> { });
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            addRecords();
        });
        consumer.schedulePollTask(() -> { // paused and rewound, still polled: nothing comes
            assertThat(consumer.paused()).containsExactly(P0);
            positionsWhilePaused.add(consumer.position(P0));
            addRecords(); // the broker serves the rewound records again
        });
        consumer.schedulePollTask(() -> { // the wait is not over: still paused
            assertThat(consumer.paused()).containsExactly(P0);
            clock.addAndGet(Duration.ofSeconds(7).toNanos());
        });
        consumer.schedulePollTask(() -> assertThat(consumer.paused()).isEmpty());
        consumer.schedulePollTask(() -> {
            committedAtEachCall.add(committedOffset());
            loop[0].stop();
        });

        loop[0].run();

        assertThat(committedAtEachCall).containsExactly(-1L, -1L, 2L);
        assertThat(positionsWhilePaused).containsExactly(0L);
        assertThat(handled).containsExactly(0L, 1L);
        assertThat(consumer.closed()).isTrue();
        assertThat(loop[0].problem()).as("a failing handler is an outage, not a dead loop").isNull();
    }

    @Test
    void aFailureEscapingTheLoopEndsItAndIsReportedAsItsProblem() throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        BatchLoop loop = new BatchLoop("test", consumer, List.of("in"), batch -> { }, Duration.ofSeconds(1), clock::get,
                exited::countDown);
        consumer.schedulePollTask(() -> {
            throw new IllegalStateException("broker said no");
        });

        loop.start();

        assertThat(exited.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.problem()).isEqualTo("java.lang.IllegalStateException: broker said no");
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void aLoopThatIsClosedHasNoProblem() throws Exception {
        CountDownLatch polled = new CountDownLatch(1);
        BatchLoop loop = new BatchLoop("test", consumer, List.of("in"), batch -> { }, Duration.ofSeconds(1), clock::get,
                () -> { });
        consumer.schedulePollTask(polled::countDown);

        loop.start();
        assertThat(polled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.problem()).isNull();
        loop.close();

        assertThat(consumer.closed()).isTrue();
        assertThat(loop.problem()).isNull();
    }

    @Test
    void anInterruptedHandlerEndsTheLoopAndThatIsAProblemToo() {
        BatchLoop loop = new BatchLoop("test", consumer, List.of("in"), batch -> {
            throw new InterruptedException();
        }, Duration.ofSeconds(1), clock::get, () -> { });
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            addRecords();
        });

        loop.run();

        assertThat(loop.problem()).isEqualTo("interrupted");
        assertThat(Thread.interrupted()).isTrue(); // clears the flag for the next test
    }

    private void addRecords() {
        consumer.addRecord(new ConsumerRecord<>("in", 0, 0L, null, new byte[]{1}));
        consumer.addRecord(new ConsumerRecord<>("in", 0, 1L, null, new byte[]{2}));
    }

    private long committedOffset() {
        OffsetAndMetadata committed = consumer.committed(Set.of(P0)).get(P0);
        return committed == null ? -1 : committed.offset();
    }
}
