package dev.triage.cli.send;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Everything {@code triage send} reads at start, checked once; errors name the option.
 *
 * @param classifyUri {@code --url} plus {@code /classify}
 * @param concurrency {@code --concurrency}, conversations in progress at once (retry waits included)
 * @param outDir      {@code --out-dir}, where the results file is written (created if missing)
 * @param apiKey      {@code --api-key} or env {@code TRIAGE_API_KEY}, sent as a bearer token; null for none.
 *                    Masked in {@link #toString()}
 * @param timeout     {@code --timeout}, longest wait for one HTTP answer (connecting included)
 */
record SendConfig(URI classifyUri, int concurrency, Path outDir, String apiKey, Duration timeout) {

    SendConfig {
        if (!isHttpWithHost(classifyUri)) {
            throw badUrl(classifyUri.toString());
        }
        Env.requireAtLeast("--concurrency", concurrency, 1);
        Env.requirePositive("--timeout", timeout);
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }

    /** From the command line as typed: {@code timeout} as {@code 500ms}, {@code 30s}, {@code 2m} (a bare number is seconds). */
    static SendConfig of(String url, int concurrency, Path outDir, String apiKey, String timeout) {
        URI base;
        try {
            base = URI.create(url.strip().replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw badUrl(url);
        }
        if (!isHttpWithHost(base)) {
            throw badUrl(url);
        }
        // Env parses durations for every service; the name given is what its error message says
        Duration parsed = new Env(Map.of("--timeout", timeout)).duration("--timeout", null);
        return new SendConfig(base.resolve(base.getPath() + "/classify"), concurrency, outDir, apiKey, parsed);
    }

    private static boolean isHttpWithHost(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    }

    private static ConfigException badUrl(String typed) {
        return new ConfigException("--url must be an http:// or https:// URL with a host, like http://localhost:8000, was '"
                + typed + "'");
    }

    @Override
    public String toString() {
        return "SendConfig[classifyUri=" + classifyUri + ", concurrency=" + concurrency + ", outDir=" + outDir
                + ", apiKey=" + (apiKey == null ? "none" : "****") + ", timeout=" + timeout + "]";
    }
}
