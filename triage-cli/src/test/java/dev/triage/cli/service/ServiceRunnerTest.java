package dev.triage.cli.service;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class ServiceRunnerTest {

    private final AtomicInteger closed = new AtomicInteger();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream realErr;

    @BeforeEach
    void captureStderr() {
        realErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(realErr);
    }

    @Test
    void aServiceThatReportsAProblemIsClosedOnceAndTheExitCodeIs1() throws Exception {
        int exit = ServiceRunner.runUntilStopped(closed::incrementAndGet, () -> "sink: the result loop stopped: boom");

        assertThat(exit).isEqualTo(1);
        assertThat(closed).hasValue(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("triage: sink: the result loop stopped: boom; stopping" + System.lineSeparator());
    }

    @Test
    void aProblemThatAppearsLaterIsSeenAtTheNextCheck() throws Exception {
        AtomicInteger checks = new AtomicInteger();

        int exit = ServiceRunner.runUntilStopped(closed::incrementAndGet,
                () -> checks.incrementAndGet() < 2 ? null : "reply_listener: died");

        assertThat(exit).isEqualTo(1);
        assertThat(checks).hasValue(2);
        assertThat(closed).hasValue(1);
    }

    @Test
    void aFailingCloseIsReportedAndStillExits1() throws Exception {
        int exit = ServiceRunner.runUntilStopped(() -> {
            closed.incrementAndGet();
            throw new IllegalStateException("cannot close");
        }, () -> "dead");

        assertThat(exit).isEqualTo(1);
        assertThat(closed).hasValue(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("triage: dead; stopping", "error while stopping");
    }
}
