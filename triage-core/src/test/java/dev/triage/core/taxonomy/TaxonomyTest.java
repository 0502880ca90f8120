package dev.triage.core.taxonomy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaxonomyTest {

    private static final List<Taxonomy.Label> LABELS = List.of(new Taxonomy.Label("Refund_not_showing_up", "d"),
            new Taxonomy.Label("reverted_card_payment?", "d"), new Taxonomy.Label("problem_report", "d"));

    @Test
    void matchesWhateverCaseAndSeparatorsEitherSideUses() {
        assertThat(Taxonomy.match(LABELS, "refund not showing up")).contains("Refund_not_showing_up");
        assertThat(Taxonomy.match(LABELS, "Refund_not_showing_up")).contains("Refund_not_showing_up");
        assertThat(Taxonomy.match(LABELS, " Problem-Report ")).contains("problem_report");
        assertThat(Taxonomy.match(LABELS, "reverted_card_payment?")).contains("reverted_card_payment?");
    }

    @Test
    void doesNotMatchOtherLabelsOrNothing() {
        assertThat(Taxonomy.match(LABELS, "refund")).isEmpty();
        assertThat(Taxonomy.match(LABELS, null)).isEmpty();
    }

    @Test
    void labelsByKind() {
        Taxonomy t = Taxonomy.defaults();
        assertThat(t.labels("intent")).isEqualTo(t.intents());
        assertThat(t.labels("topic")).isEqualTo(t.topics());
        assertThat(t.labels("sentiment")).isEqualTo(t.sentiments());
    }

    @Test
    void twoLabelsThatOnlyDifferInSpellingAreRefused() {
        List<Taxonomy.Label> twice = List.of(new Taxonomy.Label("card-payment", "d"), new Taxonomy.Label("Card_Payment", "d"));
        assertThatThrownBy(() -> new Taxonomy("t", twice, LABELS, LABELS))
                .isInstanceOf(dev.triage.core.config.ConfigException.class).hasMessageContaining("'Card_Payment' twice");
    }
}
