package dev.triage.classifier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.triage.core.config.Env;
import dev.triage.core.json.Json;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Message;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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

    private static final String NAME = "classifier_answers";

    private final Classifier inner;
    private final Cache<String, Labels> answers;
    private final MeterRegistry registry;

    /** @param settings at least one entry: with {@code CACHE_MAX_ENTRIES=0} no cache is built at all */
    public AnswerCache(Classifier inner, Settings settings, MeterRegistry registry) {
        if (settings.maxEntries() < 1) {
            throw new IllegalArgumentException("an answer cache holds at least one answer; build none for CACHE_MAX_ENTRIES=0");
        }
        this.inner = inner;
        this.answers = Caffeine.newBuilder().maximumSize(settings.maxEntries()).expireAfterWrite(settings.maxAge())
                .recordStats().build();
        this.registry = registry;
        CaffeineCacheMetrics.monitor(registry, answers, NAME);
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

    /** Closes the classifier and removes this cache's meters, so a cache built later reports its own. */
    @Override
    public void close() {
        registry.getMeters().stream().filter(m -> NAME.equals(m.getId().getTag("cache"))).forEach(registry::remove);
        inner.close();
    }

    /** SHA-256 of the JSON of model, taxonomy version and normalised turns: no two inputs share it. */
    private String key(ConversationEnvelope conversation) {
        List<List<String>> parts = new ArrayList<>();
        parts.add(List.of(inner.model(), inner.taxonomyVersion()));
        for (Message m : conversation.messages()) {
            parts.add(List.of(normal(m.sender()), normal(m.text())));
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Json.encode(parts)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every JVM must have", e);
        }
    }

    private static String normal(String s) {
        return SPACES.matcher(s.strip().toLowerCase(Locale.ROOT)).replaceAll(" ");
    }
}
