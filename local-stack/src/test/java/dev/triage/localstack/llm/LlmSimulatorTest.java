package dev.triage.localstack.llm;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator's parts that hold state, without a server: the quota, the slots and the latency samples. */
class LlmSimulatorTest {

    private static final long SECOND = 1_000_000_000L;

    @Nested
    class Quota {

        private final AtomicLong now = new AtomicLong(123 * SECOND);

        @Test
        void startsFullWithOneSecondsWorthAndRefillsContinuously() {
            TokenBucket bucket = new TokenBucket(120, now::get); // 2 a second, holds 2
            assertThat(bucket.take()).isZero();
            assertThat(bucket.take()).isZero();
            assertThat(bucket.take()).isEqualTo(SECOND / 2);

            now.addAndGet(SECOND / 2 - 1);
            assertThat(bucket.take()).isEqualTo(1);
            now.addAndGet(1);
            assertThat(bucket.take()).isZero();
        }

        @Test
        void holdsAtLeastOneTokenAndNeverMoreThanASecondsWorth() {
            TokenBucket slow = new TokenBucket(6, now::get); // one every 10 s
            assertThat(slow.take()).isZero();
            assertThat(TokenBucket.retryAfterSeconds(slow.take())).isEqualTo(10);

            TokenBucket fast = new TokenBucket(600, now::get);
            now.addAndGet(3600 * SECOND); // a long idle time fills it, no more
            long taken = 0;
            while (fast.take() == 0) {
                taken++;
            }
            assertThat(taken).isEqualTo(10);
        }

        @Test
        void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
            assertThat(TokenBucket.retryAfterSeconds(1)).isEqualTo(1);
            assertThat(TokenBucket.retryAfterSeconds(SECOND)).isEqualTo(1);
            assertThat(TokenBucket.retryAfterSeconds(SECOND + 1)).isEqualTo(2);
        }
    }

    @Nested
    class Slots {

        private final List<Runnable> handedOver = new ArrayList<>();
        private final AtomicInteger capacity = new AtomicInteger(2);
        private final ProcessingSlots slots = new ProcessingSlots(capacity::get, handedOver::add);
        private final List<String> started = new ArrayList<>();

        @Test
        void startsAtOnceWhileSlotsAreFreeThenInArrivalOrder() {
            List.of("a", "b", "c", "d").forEach(name -> slots.acquire(() -> started.add(name)));
            assertThat(started).containsExactly("a", "b");
            assertThat(slots.waiting()).isEqualTo(2);

            slots.release();
            assertThat(handedOver).hasSize(1); // the releasing thread does not run it itself
            handedOver.remove(0).run();
            assertThat(started).containsExactly("a", "b", "c");
            assertThat(slots.processing()).isEqualTo(2);
            assertThat(slots.peak()).isEqualTo(2);
        }

        @Test
        void aRaisedCapacityStartsTheWaitingAndZeroMeansNoLimit() {
            List.of("a", "b", "c", "d").forEach(name -> slots.acquire(() -> started.add(name)));
            capacity.set(0);
            slots.acquire(() -> started.add("e"));
            handedOver.forEach(Runnable::run);

            assertThat(started).containsExactly("a", "b", "e", "c", "d");
            assertThat(slots.processing()).isEqualTo(5);
            assertThat(slots.waiting()).isZero();
        }
    }

    @Nested
    class Latencies {

        private final LatencySamples samples = new LatencySamples();

        @Test
        void nearestRankPercentilesInMilliseconds() {
            for (int ms = 1; ms <= 100; ms++) {
                samples.record(ms * 1_000_000L);
            }
            assertThat(samples.percentileMs(0.5)).isEqualTo(50.0);
            assertThat(samples.percentileMs(0.99)).isEqualTo(99.0);
            assertThat(samples.percentileMs(0)).isEqualTo(1.0);
            assertThat(samples.percentileMs(1)).isEqualTo(100.0);

            samples.clear();
            assertThat(samples.percentileMs(0.5)).isNaN();
            assertThatThrownBy(() -> samples.percentileMs(50)).hasMessageContaining("between 0 and 1");
        }
    }

    @Test
    void faultsRefuseNegativeLimitsNamingThem() {
        assertThatThrownBy(() -> new Faults().capacity(-1)).hasMessage("capacity must be >= 0, was -1");
        assertThatThrownBy(() -> new Faults().rpm(-5)).hasMessage("rpm must be >= 0, was -5");
    }
}
