package dev.triage.classifier.llm;

import dev.triage.classifier.AnswerCache;
import dev.triage.classifier.learned.LearnedSettings;
import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How the classifier talks to its model, read once at start.
 *
 * @param provider             {@code LLM_PROVIDER}: ollama, openai, offline, or auto (Ollama if reachable with the model, else offline)
 * @param apiUrl               {@code LLM_API_URL}: server base URL; the old {@code .../api/generate} form is accepted
 * @param model                {@code LLM_MODEL}
 * @param apiKey               {@code LLM_API_KEY}: bearer token for OpenAI-compatible servers; masked in {@link #toString()}
 * @param connectTimeout       {@code LLM_CONNECT_TIMEOUT}
 * @param policy               retry, breaker and timeout settings ({@code LLM_RETRY_ATTEMPTS}, {@code LLM_RETRY_BASE_DELAY},
 *                             {@code LLM_RETRY_MAX_DELAY}, {@code LLM_TIMEOUT}, {@code LLM_BREAKER_WAIT})
 * @param maxAttempts          {@code LLM_MAX_ATTEMPTS}: answers asked for per conversation before it is dead-lettered as bad output
 * @param recordMaxAttempts    {@code LLM_RECORD_MAX_ATTEMPTS}: times a conversation is tried while its calls keep failing
 *                             (after their retries) and the server answers others, before it is dead-lettered as
 *                             {@code LLM_FAILED}; tries that meet an outage do not count
 * @param promptMaxChars       {@code PROMPT_MAX_CHARS}: conversation text sent to the model; older turns beyond it are left out
 * @param conversationMaxChars {@code CONVERSATION_MAX_CHARS}: larger conversations are dead-lettered
 * @param taxonomyFile         {@code TAXONOMY_FILE}: JSON or YAML taxonomy replacing the default, or null
 * @param learned              the learned classifier's examples, few-shot prompts and the cascade
 * @param cache                the answer cache
 */
public record LlmSettings(Provider provider, String apiUrl, String model, String apiKey, Duration connectTimeout,
                          LlmPolicy.Settings policy, int maxAttempts, int recordMaxAttempts, int promptMaxChars, int conversationMaxChars,
                          Path taxonomyFile, LearnedSettings learned, AnswerCache.Settings cache) {

    /** Which model server, if any. */
    public enum Provider { OLLAMA, OPENAI, OFFLINE, AUTO }

    private static final List<String> ENDPOINT_SUFFIXES = List.of("/api/generate", "/api/chat", "/v1/chat/completions", "/v1");

    public LlmSettings {
        Env.requireText("LLM_API_URL", apiUrl);
        try {
            URI uri = URI.create(apiUrl);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("LLM_API_URL must be an http(s) URL, was '" + apiUrl + "'");
        }
        Env.requireText("LLM_MODEL", model);
        Env.requirePositive("LLM_CONNECT_TIMEOUT", connectTimeout);
        Env.requireAtLeast("LLM_RETRY_ATTEMPTS", policy.retryAttempts(), 1);
        Env.requirePositive("LLM_TIMEOUT", policy.callTimeout());
        Env.requireAtLeast("LLM_MAX_ATTEMPTS", maxAttempts, 1);
        Env.requireAtLeast("LLM_RECORD_MAX_ATTEMPTS", recordMaxAttempts, 1);
        Env.requireAtLeast("PROMPT_MAX_CHARS", promptMaxChars, 100);
        Env.requireAtLeast("CONVERSATION_MAX_CHARS", conversationMaxChars, 1);
    }

    public static LlmSettings fromEnv(Env env) {
        Provider provider = provider(env.string("LLM_PROVIDER", "auto"));
        String defaultUrl = provider == Provider.OPENAI ? "https://api.openai.com" : "http://localhost:11434";
        String taxonomy = env.string("TAXONOMY_FILE", null);
        return new LlmSettings(provider,
                env.string("LLM_API_URL", defaultUrl),
                env.string("LLM_MODEL", "llama3.2"),
                env.string("LLM_API_KEY", null),
                env.duration("LLM_CONNECT_TIMEOUT", Duration.ofSeconds(5)),
                new LlmPolicy.Settings(
                        env.integer("LLM_RETRY_ATTEMPTS", 4),
                        env.duration("LLM_RETRY_BASE_DELAY", Duration.ofMillis(500)),
                        env.duration("LLM_RETRY_MAX_DELAY", Duration.ofSeconds(30)),
                        env.duration("LLM_TIMEOUT", Duration.ofSeconds(60)),
                        env.duration("LLM_BREAKER_WAIT", Duration.ofSeconds(10))),
                env.integer("LLM_MAX_ATTEMPTS", 3),
                env.integer("LLM_RECORD_MAX_ATTEMPTS", 5),
                env.integer("PROMPT_MAX_CHARS", 8000),
                env.integer("CONVERSATION_MAX_CHARS", 100_000),
                taxonomy == null ? null : Path.of(taxonomy),
                LearnedSettings.fromEnv(env),
                AnswerCache.Settings.fromEnv(env));
    }

    /** {@code path} on the configured server ({@code /api/chat}, {@code /v1/chat/completions}). */
    public URI endpoint(String path) {
        String base = apiUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        for (String suffix : ENDPOINT_SUFFIXES) {
            if (base.endsWith(suffix)) {
                base = base.substring(0, base.length() - suffix.length());
                break;
            }
        }
        return URI.create(base + path);
    }

    private static Provider provider(String value) {
        try {
            return Provider.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("LLM_PROVIDER must be one of ollama, openai, offline, auto; was '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return "LlmSettings[provider=" + provider + ", apiUrl=" + apiUrl + ", model=" + model + ", apiKey="
                + (apiKey == null ? "none" : "****") + ", policy=" + policy + ", maxAttempts=" + maxAttempts
                + ", recordMaxAttempts=" + recordMaxAttempts + ", learned=" + learned + ", cache=" + cache + "]";
    }
}
