package dev.triage.cli.bench;

import dev.triage.core.json.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Made-up {@code POST /classify} bodies for benchmarks, each a distinct conversation: a customer
 * message assembled from a few dozen fragments (so texts, and hence prompt sizes and the
 * simulator's labels, vary), sometimes followed by an agent's answer and a customer's follow-up.
 * Seeded, so two runs send the same texts; the conversation numbers carry a run prefix so they
 * never collide with an earlier run's.
 */
final class CustomerTexts {

    private static final String[] OPENINGS = {"Hi,", "Hello there.", "Good morning,", "Hey support,", "",
        "I need help:", "This is the third time I write.", "Quick question:"};
    private static final String[] PROBLEMS = {
        "my order %d has not arrived yet", "I was charged twice for order %d", "the parcel %d came damaged",
        "I cannot log in to my account since yesterday", "the app crashes when I open invoice %d",
        "I want to cancel my subscription before it renews", "the refund for order %d never reached my card",
        "my card was declined although it has funds", "I received the wrong size in parcel %d",
        "I would like to change the email address on my account", "the tracking number %d shows no movement",
        "your new checkout page is really fast, well done", "the discount code did not apply to order %d",
        "I want to return the headphones from order %d", "my password reset email never arrives"};
    private static final String[] DETAILS = {"", " I paid with PayPal.", " It was a gift.",
        " The courier says it was delivered but it was not.", " I have attached a photo.",
        " I am on the premium plan.", " This has happened before.", " My customer number is %d."};
    private static final String[] ASKS = {"Can you help?", "Please refund me.", "What are my options?",
        "I expect an answer today.", "Thanks in advance!", "Please cancel it.", "Who can I talk to?", ""};
    private static final String[] AGENT = {"Sorry about that, let me check.", "Thanks, could you share the order number?",
        "I have escalated this to our billing team.", "A replacement is on its way."};
    private static final String[] FOLLOW_UPS = {"Any news?", "Thank you, that was quick.",
        "That is not good enough.", "It is order %d."};

    private final Random random;
    private final String prefix;

    /** @param prefix starts every conversation number (distinct per run) */
    CustomerTexts(long seed, String prefix) {
        this.random = new Random(seed);
        this.prefix = prefix;
    }

    /** {@code n} request bodies, numbered {@code <prefix>-0} upwards. */
    List<byte[]> bodies(int n) {
        List<byte[]> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("conversation_number", prefix + "-" + i);
            body.put("messages", messages());
            bodies.add(Json.encode(body));
        }
        return bodies;
    }

    private List<Map<String, String>> messages() {
        String opening = pick(OPENINGS);
        String problem = fill(pick(PROBLEMS));
        // a new sentence after "Hello there." or nothing; the same sentence after "Hi," or "Quick question:"
        if (opening.isEmpty() || opening.endsWith(".")) {
            problem = Character.toUpperCase(problem.charAt(0)) + problem.substring(1);
        }
        String first = String.join(" ", opening, problem + "." + fill(pick(DETAILS)), pick(ASKS)).strip();
        List<Map<String, String>> messages = new ArrayList<>();
        messages.add(Map.of("sender", "customer", "text", first));
        if (random.nextInt(3) == 0) {
            messages.add(Map.of("sender", "agent", "text", pick(AGENT)));
            messages.add(Map.of("sender", "customer", "text", fill(pick(FOLLOW_UPS))));
        }
        return messages;
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private String fill(String template) {
        return template.contains("%d") ? String.format(Locale.ROOT, template, 1000 + random.nextInt(90_000)) : template;
    }
}
