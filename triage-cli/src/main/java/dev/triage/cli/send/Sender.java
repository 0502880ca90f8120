package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Sends every conversation with at most {@code concurrency} in progress (a conversation waiting
 * to retry keeps its place, so a server asking to slow down gets fewer requests, not more).
 * Reports the number finished after each one, in order, one call at a time. Once an answer says
 * no further request can succeed (the gateway refused the API key), the rest are not sent: they
 * are reported as {@code NotSent} instead of hammering the gateway with requests bound to fail.
 */
final class Sender {

    private final Function<JsonNode, CompletableFuture<Outcome>> send;
    private final int concurrency;
    private final LongConsumer progress;
    private volatile Outcome hopeless;
    private long finished;

    /**
     * @param send     sends one conversation ({@link ClassifyClient#send})
     * @param progress told the number of conversations finished so far
     */
    Sender(Function<JsonNode, CompletableFuture<Outcome>> send, int concurrency, LongConsumer progress) {
        this.send = send;
        this.concurrency = concurrency;
        this.progress = progress;
    }

    /** The outcomes in the order of {@code conversations}; returns once all are finished. */
    List<Outcome> sendAll(List<JsonNode> conversations) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        List<CompletableFuture<Outcome>> pending = new ArrayList<>(conversations.size());
        for (JsonNode conversation : conversations) {
            permits.acquire();
            if (hopeless != null) {
                permits.release();
                finishedOne();
                pending.add(CompletableFuture.completedFuture(Outcome.failed("NotSent",
                        "not sent after an earlier answer " + hopeless.errorType() + ": " + hopeless.message(), null)));
                continue;
            }
            pending.add(send.apply(conversation).whenComplete((outcome, error) -> {
                if (outcome != null && "Unauthorized".equals(outcome.errorType())) {
                    hopeless = outcome;
                }
                permits.release();
                finishedOne();
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return pending.stream().map(CompletableFuture::join).toList();
    }

    private synchronized void finishedOne() {
        progress.accept(++finished);
    }
}
