package dev.triage.classifier.worker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {

    @Test
    void commitsOnlyBelowTheLowestUnfinishedOffset() throws Exception {
        OffsetTracker tracker = new OffsetTracker();
        assertThat(tracker.committable()).isEqualTo(-1);
        for (long offset = 10; offset < 14; offset++) {
            tracker.add(offset);
            tracker.started();
        }

        assertThat(tracker.inFlight()).isEqualTo(4);

        tracker.ended(12, true);
        tracker.ended(13, true);
        assertThat(tracker.committable()).isEqualTo(10);
        assertThat(tracker.inFlight()).isEqualTo(2);

        tracker.ended(10, true);
        assertThat(tracker.committable()).isEqualTo(11);

        tracker.ended(11, false); // handed back to be tried again: still unfinished
        assertThat(tracker.committable()).isEqualTo(11);
        assertThat(tracker.inFlight()).isZero();

        tracker.started();
        tracker.ended(11, true);
        assertThat(tracker.committable()).isEqualTo(14);
    }
}
