package dev.triage.cli.eval;

import dev.triage.classifier.learned.LabelledConversation;
import dev.triage.core.config.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Sends every conversation of a file through one answering function, at most {@code concurrency}
 * at a time, and collects an {@link Outcome} for each in file order. The calling thread owns all
 * the state: completions only hand their outcome over a queue. Every conversation ends answered or
 * failed: a failed future, or one that does not complete within {@code timeout}, is a failure with
 * its reason, so the run always ends.
 */
final class Passes {

    private record Done(int index, Outcome outcome) {
    }

    private final int concurrency;
    private final Duration timeout;

    Passes(int concurrency, Duration timeout) {
        if (concurrency < 1) {
            throw new ConfigException("--concurrency must be >= 1, was " + concurrency);
        }
        this.concurrency = concurrency;
        this.timeout = timeout;
    }

    List<Outcome> run(List<LabelledConversation> conversations,
                      Function<LabelledConversation, CompletableFuture<Answer>> answer, LongConsumer progress)
            throws InterruptedException {
        Outcome[] outcomes = new Outcome[conversations.size()];
        BlockingQueue<Done> done = new LinkedBlockingQueue<>();
        int started = 0;
        int finished = 0;
        progress.accept(0);
        while (finished < conversations.size()) {
            while (started < conversations.size() && started - finished < concurrency) {
                start(started, conversations.get(started), answer, done);
                started++;
            }
            Done next = done.take(); // every future completes: each has its own timeout
            outcomes[next.index()] = next.outcome();
            finished++;
            progress.accept(finished);
        }
        return new ArrayList<>(Arrays.asList(outcomes));
    }

    private void start(int index, LabelledConversation conversation,
                       Function<LabelledConversation, CompletableFuture<Answer>> answer, BlockingQueue<Done> done) {
        long begun = System.nanoTime();
        CompletableFuture<Answer> future;
        try {
            future = answer.apply(conversation);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((a, error) -> {
            long ms = (System.nanoTime() - begun) / 1_000_000;
            done.add(new Done(index, error == null ? Outcome.answered(conversation, a, ms)
                    : Outcome.failed(conversation, reason(error), ms)));
        });
    }

    /** The cause's type and message, without the wrapping of futures. */
    String reason(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms (--timeout)";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
