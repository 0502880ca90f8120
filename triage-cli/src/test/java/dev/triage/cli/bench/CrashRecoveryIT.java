package dev.triage.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A smaller seeded {@code triage bench crash}: the relay, a classifier, a sink and the whole
 * {@code local} process (embedded Kafka and MongoDB included) each killed with SIGKILL while model
 * calls are in flight, and restarted. Every query ends processed or failed, with exactly one result
 * counted by an aggregation grouped by {@code query_id}; duplicate model calls are allowed, within
 * what a kill can interrupt.
 */
class CrashRecoveryIT {

    @TempDir
    Path dir;

    @Test
    void killsAtSeededPointsLoseNothingAndWriteNothingTwice() throws Exception {
        CrashRun.Report report = new CrashRun(new CrashRun.Settings(1500, 4, 7, CrashRun.TARGETS, 150,
                Duration.ofMinutes(4), dir), line -> System.out.println("crash run: " + line)).run();
        System.out.println("crash run: " + report.toMap());

        assertThat(report.kills()).extracting(CrashRun.Kill::target)
                .containsExactlyInAnyOrderElementsOf(CrashRun.TARGETS);
        assertThat(report.kills()).allSatisfy(k -> assertThat(k.modelCallsInFlight()).isPositive());
        assertThat(report.processExits()).isEmpty();
        assertThat(report.lost()).isZero();
        assertThat(report.processed() + report.failed()).isEqualTo(1500);
        assertThat(report.failed()).isZero();
        assertThat(report.duplicateResults()).isZero();
        assertThat(report.storeDisagrees()).isZero();
        assertThat(report.processedWithoutResult()).isZero();
        assertThat(report.conversationsCalled()).isEqualTo(1500);
        assertThat(report.duplicateCalls()).isLessThanOrEqualTo(report.duplicateCallBound());
        assertThat(report.passed()).isTrue();
    }
}
