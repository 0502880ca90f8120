package dev.triage.classifier;

import dev.triage.core.model.Classification;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.IdType;
import dev.triage.core.model.Message;
import dev.triage.core.model.Provenance;
import dev.triage.core.model.Source;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The answer cache in front of a counting classifier (no model): what is a hit, what is not, what is kept. */
class AnswerCacheTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Counting inner = new Counting();

    @Test
    void theSameConversationInOtherCaseAndSpacingIsAnsweredFromTheCache() {
        AnswerCache cache = cache(100);

        Labels first = cache.classify(conversation(new Message("customer", "I want my refund\n\nnow"))).join();
        Labels second = cache.classify(conversation(new Message(" Customer", "  i WANT my   refund now "))).join();

        assertThat(inner.calls).hasValue(1);
        assertThat(first.provenance().cached()).isFalse();
        assertThat(second.provenance().cached()).isTrue();
        assertThat(second.provenance().tier()).isEqualTo(first.provenance().tier());
        assertThat(second.classification()).isEqualTo(first.classification());
        assertThat(second.latencyMs()).isZero();
    }

    @Test
    void otherTextsOrSendersOrTurnsAreNotTheSameConversation() {
        AnswerCache cache = cache(100);

        cache.classify(conversation(new Message("customer", "I want my refund"))).join();
        cache.classify(conversation(new Message("customer", "I want my refunds"))).join();
        cache.classify(conversation(new Message("agent", "I want my refund"))).join();
        cache.classify(conversation(new Message("customer", "I want"), new Message("customer", "my refund"))).join();

        assertThat(inner.calls).hasValue(4);
    }

    @Test
    void anotherModelOrTaxonomyVersionIsAMiss() {
        AnswerCache cache = cache(100);
        ConversationEnvelope c = conversation(new Message("customer", "Where is my parcel?"));
        cache.classify(c).join();

        inner.model = "other-model";
        assertThat(cache.classify(c).join().provenance().cached()).isFalse();
        inner.taxonomyVersion = "support-v2/prompt-2";
        assertThat(cache.classify(c).join().provenance().cached()).isFalse();
        inner.model = "model-a";
        inner.taxonomyVersion = "support-v1/prompt-2";
        assertThat(cache.classify(c).join().provenance().cached()).isTrue();

        assertThat(inner.calls).hasValue(3);
    }

    @Test
    void aFailureIsNotCachedAndTheNextCallAsksAgain() {
        AnswerCache cache = cache(100);
        ConversationEnvelope c = conversation(new Message("customer", "Where is my parcel?"));
        inner.fail.set(true);

        assertThatThrownBy(() -> cache.classify(c).join()).hasCauseInstanceOf(IllegalStateException.class);
        inner.fail.set(false);
        Labels retried = cache.classify(c).join();
        Labels reused = cache.classify(c).join();

        assertThat(inner.calls).hasValue(2);
        assertThat(retried.provenance().cached()).isFalse();
        assertThat(reused.provenance().cached()).isTrue();
    }

    @Test
    void noMoreThanMaxEntriesAnswersAreKept() {
        AnswerCache cache = cache(3);
        List<ConversationEnvelope> conversations = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            conversations.add(conversation(new Message("customer", "conversation number " + i)));
            cache.classify(conversations.get(i)).join();
        }
        // Caffeine evicts on another thread: wait until it has, so that a hit below can only be a kept entry
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("cache.size") <= 3);

        long hits = conversations.stream().filter(c -> cache.classify(c).join().provenance().cached()).count();

        assertThat(hits).isLessThanOrEqualTo(3);
        assertThat(inner.calls.get()).isGreaterThanOrEqualTo(10 + 7);
        assertThat(registry.get("cache.evictions").tag("cache", "classifier_answers").functionCounter().count())
                .isGreaterThanOrEqualTo(7);
    }

    @Test
    void hitsAndMissesAreMetered() {
        AnswerCache cache = cache(100);
        ConversationEnvelope c = conversation(new Message("customer", "Where is my parcel?"));

        cache.classify(c).join();
        cache.classify(c).join();
        cache.classify(c).join();
        cache.classify(conversation(new Message("customer", "Cancel my plan"))).join();

        assertThat(gets("hit")).isEqualTo(2);
        assertThat(gets("miss")).isEqualTo(2);
    }

    private AnswerCache cache(int maxEntries) {
        return new AnswerCache(inner, new AnswerCache.Settings(maxEntries, Duration.ofHours(1)), registry);
    }

    private double gets(String result) {
        return registry.get("cache.gets").tags("cache", "classifier_answers", "result", result).functionCounter().count();
    }

    private double gauge(String name) {
        return registry.get(name).tag("cache", "classifier_answers").gauge().value();
    }

    private static ConversationEnvelope conversation(Message... messages) {
        return ConversationEnvelope.of("1", IdType.STRING, Source.API, List.of(messages), Map.of(), Instant.now());
    }

    /** Answers every conversation the same, counting the calls; fails while {@code fail} is set. */
    private static final class Counting implements Classifier {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean fail = new AtomicBoolean();
        volatile String model = "model-a";
        volatile String taxonomyVersion = "support-v1/prompt-2";

        @Override
        public String model() {
            return model;
        }

        @Override
        public String taxonomyVersion() {
            return taxonomyVersion;
        }

        @Override
        public CompletableFuture<Labels> classify(ConversationEnvelope conversation) {
            calls.incrementAndGet();
            if (fail.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException("model server answered 500"));
            }
            return CompletableFuture.completedFuture(new Labels(new Classification("refund_request", "billing", "negative"),
                    model, 1, 120, null, Provenance.llm()));
        }
    }
}
