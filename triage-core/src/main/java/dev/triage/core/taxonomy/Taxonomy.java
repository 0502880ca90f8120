package dev.triage.core.taxonomy;

import dev.triage.core.config.ConfigException;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The labels a conversation may get: allowed intents, topics and sentiments, each with a
 * one-line description for the model. Versioned, so every result says which set it belongs to.
 */
public record Taxonomy(String version, List<Label> intents, List<Label> topics, List<Label> sentiments) {

    /** One allowed label. */
    public record Label(String name, String description) {
    }

    public Taxonomy {
        if (version == null || version.isBlank()) {
            throw new ConfigException("taxonomy version must not be empty");
        }
        intents = requireLabels("intents", intents);
        topics = requireLabels("topics", topics);
        sentiments = requireLabels("sentiments", sentiments);
    }

    /** The built-in taxonomy for customer support. */
    public static Taxonomy defaults() {
        return new Taxonomy("support-v1",
                List.of(
                        new Label("information_request", "asks a question or wants to know something"),
                        new Label("problem_report", "reports that something is broken, missing or wrong"),
                        new Label("refund_request", "wants money back"),
                        new Label("cancellation", "wants to cancel an order, subscription or account"),
                        new Label("account_change", "wants to change details, password, address or plan"),
                        new Label("complaint", "expresses dissatisfaction with the service or company"),
                        new Label("feedback", "gives praise, thanks or a suggestion"),
                        new Label("other", "none of the above")),
                List.of(
                        new Label("order", "placing, changing or tracking an order"),
                        new Label("delivery", "shipping, delays, lost or damaged parcels"),
                        new Label("billing", "invoices, charges, fees, refunds"),
                        new Label("payment", "cards, transfers, payment methods, top-ups"),
                        new Label("account", "login, password, profile, security"),
                        new Label("technical", "app, website, device or connectivity problems"),
                        new Label("product", "features, availability, quality of a product"),
                        new Label("returns", "returning or exchanging an item"),
                        new Label("subscription", "plans, renewals, memberships"),
                        new Label("other", "none of the above")),
                List.of(
                        new Label("positive", "satisfied, thankful, happy"),
                        new Label("neutral", "matter-of-fact, no strong feeling"),
                        new Label("negative", "frustrated, angry, disappointed")));
    }

    /** The labels of one kind: {@code intent}, {@code topic} or {@code sentiment}. */
    public List<Label> labels(String kind) {
        return switch (kind) {
            case "intent" -> intents;
            case "topic" -> topics;
            case "sentiment" -> sentiments;
            default -> throw new IllegalArgumentException("no label kind '" + kind + "'");
        };
    }

    /**
     * The canonical name of {@code value} among {@code labels}: case, surrounding whitespace, spaces and
     * hyphens (for underscores) do not matter, on either side, so a taxonomy may spell its names as it likes.
     */
    public static Optional<String> match(List<Label> labels, String value) {
        if (value == null) {
            return Optional.empty();
        }
        String wanted = normal(value);
        return labels.stream().map(Label::name).filter(name -> normal(name).equals(wanted)).findFirst();
    }

    private static String normal(String label) {
        return label.strip().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }

    private static List<Label> requireLabels(String kind, List<Label> labels) {
        if (labels == null || labels.isEmpty()) {
            throw new ConfigException("taxonomy " + kind + " must not be empty");
        }
        Set<String> seen = new HashSet<>();
        for (Label label : labels) {
            if (label.name() == null || label.name().isBlank()) {
                throw new ConfigException("taxonomy " + kind + " has a label without a name");
            }
            if (!seen.add(normal(label.name()))) {
                throw new ConfigException("taxonomy " + kind + " has '" + label.name() + "' twice (case, spaces and hyphens "
                        + "do not tell labels apart)");
            }
        }
        return List.copyOf(labels);
    }
}
