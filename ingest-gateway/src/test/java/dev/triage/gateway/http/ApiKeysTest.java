package dev.triage.gateway.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {

    @Test
    void acceptsOnlyConfiguredKeysAndNamesClientsByADigest() {
        ApiKeys keys = ApiKeys.parse(" alpha , ,beta");

        assertThat(keys.enabled()).isTrue();
        assertThat(keys.clientOf("alpha")).hasValueSatisfying(id -> assertThat(id).startsWith("key-").hasSize(12).doesNotContain("alpha"));
        assertThat(keys.clientOf("beta")).isPresent().isNotEqualTo(keys.clientOf("alpha"));
        assertThat(keys.clientOf("alph")).isEmpty();
        assertThat(keys.clientOf("alpha ")).isEmpty();
        assertThat(keys.clientOf("")).isEmpty();
        assertThat(keys.clientOf(null)).isEmpty();
        assertThat(keys.toString()).isEqualTo("ApiKeys[2 keys, ****]");
    }

    @Test
    void noKeysMeansOff() {
        assertThat(ApiKeys.parse("").enabled()).isFalse();
        assertThat(ApiKeys.parse(null).enabled()).isFalse();
    }
}
