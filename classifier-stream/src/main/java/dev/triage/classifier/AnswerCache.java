package dev.triage.classifier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.triage.core.config.Env;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Message;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Reuses the answer for a conversation seen before: the same turns (senders and texts, case and runs
 * of whitespace ignored), the same taxonomy version and the same model give the stored labels with no
 * model call, marked {@code cached} in their provenance. Only answers are stored, never failures.
 * Bounded in entries and age (Caffeine); hits and misses are the {@code cache_gets} meters tagged
 * {@code cache=classifier_answers} in {@code /metrics}. Two identical conversations in flight at once
 * may both be computed: the cache saves repeats, it does not serialise them.
 */
public final class AnswerCache implements Classifier {

    /**
     * @param maxEntries {@code CACHE_MAX_ENTRIES}: answers kept (0 = no cache)
     * @param maxAge     {@code CACHE_MAX_AGE}: how long an answer may be reused
     */
    public record Settings(int maxEntries, Duration maxAge) {

        public Settings {
            Env.requireAtLeast("CACHE_MAX_ENTRIES", maxEntries, 0);
            Env.requirePositive("CACHE_MAX_AGE", maxAge);
        }

        public static Settings fromEnv(Env env) {
            return new Settings(env.integer("CACHE_MAX_ENTRIES", 10_000), env.duration("CACHE_MAX_AGE", Duration.ofHours(24)));
        }
    }

    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final Classifier inner;
    private final Cache<String, Labels> answers;

    /** @param settings at least one entry: with {@code CACHE_MAX_ENTRIES=0} no cache is built at all */
    public AnswerCache(Classifier inner, Settings settings, MeterRegistry registry) {
        if (settings.maxEntries() < 1) {
            throw new IllegalArgumentException("an answer cache holds at least one answer; build none for CACHE_MAX_ENTRIES=0");
        }
        this.inner = inner;
        this.answers = Caffeine.newBuilder().maximumSize(settings.maxEntries()).expireAfterWrite(settings.maxAge())
                .recordStats().build();
        CaffeineCacheMetrics.monitor(registry, answers, "classifier_answers");
    }

    @Override
    public String model() {
        return inner.model();
    }

    @Override
    public String taxonomyVersion() {
        return inner.taxonomyVersion();
    }

    @Override
    public CompletableFuture<Labels> classify(ConversationEnvelope conversation) {
        String key = key(conversation);
        Labels hit = answers.getIfPresent(key);
        if (hit != null) {
            return CompletableFuture.completedFuture(hit.cached());
        }
        return inner.classify(conversation).thenApply(labels -> {
            answers.put(key, labels);
            return labels;
        });
    }

    @Override
    public CompletableFuture<Void> probe() {
        return inner.probe();
    }

    @Override
    public void close() {
        inner.close();
    }

    private String key(ConversationEnvelope conversation) {
        StringBuilder text = new StringBuilder(inner.model()).append('\n').append(inner.taxonomyVersion());
        for (Message m : conversation.messages()) {
            text.append('\n').append(normal(m.sender())).append(": ").append(normal(m.text()));
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every JVM must have", e);
        }
    }

    private static String normal(String s) {
        return SPACES.matcher(s.strip().toLowerCase(Locale.ROOT)).replaceAll(" ");
    }
}
