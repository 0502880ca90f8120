package dev.triage.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The API keys accepted by the gateway ({@code GATEWAY_API_KEYS}); none means authentication is
 * off. Keys are kept only as SHA-256 digests and compared in constant time against every key,
 * so neither a timing difference nor a heap dump or a log line gives one away.
 */
public final class ApiKeys {

    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        this.digests = digests;
    }

    /** Parses the comma-separated list; blank entries are ignored. */
    public static ApiKeys parse(String commaSeparated) {
        return new ApiKeys(Arrays.stream(commaSeparated == null ? new String[0] : commaSeparated.split(","))
                .map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeys::sha256).toList());
    }

    public boolean enabled() {
        return !digests.isEmpty();
    }

    /**
     * The client id of a presented key (a short digest prefix, safe to log and to rate-limit by),
     * or empty when the key is not one of ours.
     */
    public Optional<String> clientOf(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] known : digests) {
            match |= MessageDigest.isEqual(known, digest);
        }
        return match ? Optional.of("key-" + HexFormat.of().formatHex(digest, 0, 4)) : Optional.empty();
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return enabled() ? "ApiKeys[" + digests.size() + " keys, ****]" : "ApiKeys[off]";
    }
}
