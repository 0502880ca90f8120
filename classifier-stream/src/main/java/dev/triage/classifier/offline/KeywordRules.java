package dev.triage.classifier.offline;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The keyword lists of the offline classifier, one rule set per label kind, in priority order. */
final class KeywordRules {

    static final KeywordRules INTENTS = new KeywordRules()
            .rule("refund_request", "refund", "money back", "get my money", "reimburse", "chargeback", "compensat")
            .rule("cancellation", "cancel", "unsubscribe", "terminate", "close my account", "stop my subscription")
            .rule("account_change", "change my", "update my", "reset my", "change the", "new address",
                    "change password", "edit my")
            .rule("complaint", "terrible", "worst", "unacceptable", "ridiculous", "disappointed", "awful",
                    "horrible", "disgust", "complain", "rude", "useless", "scam", "joke")
            .rule("problem_report", "not working", "doesn't work", "does not work", "isn't working", "broken",
                    "error", "crash", "fail", "declined", "missing", "never arrived", "not received",
                    "haven't received", "hasn't arrived", "has not arrived", "never arrives", "wrong", "stuck", "can't",
                    "cannot", "unable", "problem", "issue", "bug", "won't", "keeps", "damaged", "locked out",
                    "charged twice", "double charged", "pending", "lost")
            .rule("feedback", "thank", "great", "love", "awesome", "excellent", "suggest", "appreciate",
                    "amazing", "well done", "kudos");

    /** Asked only when no intent above matched: a plain question is a request for information. */
    static final KeywordRules QUESTIONS = new KeywordRules()
            .rule("information_request", "how", "what", "when", "where", "why", "which", "can i", "do you",
                    "is there", "is it possible", "?");

    static final KeywordRules TOPICS = new KeywordRules()
            .rule("returns", "return", "exchange", "send back", "send it back", "replacement")
            .rule("subscription", "subscri", "plan", "membership", "renew", "premium", "trial")
            .rule("delivery", "deliver", "shipping", "shipped", "parcel", "package", "courier", "tracking",
                    "arrive", "dispatch", "postage", "shipment")
            .rule("billing", "invoice", "bill", "charged", "charge", "fee", "overcharged", "refund", "receipt")
            .rule("payment", "card", "payment", "pay", "transfer", "top up", "top-up", "paypal", "bank",
                    "atm", "pin", "cash")
            .rule("account", "account", "login", "log in", "password", "sign in", "profile", "verif",
                    "locked", "2fa", "username", "email address")
            .rule("technical", "app", "website", "site", "crash", "error", "bug", "loading", "update",
                    "wifi", "connection", "screen", "iphone", "ios", "android", "device", "battery")
            .rule("order", "order", "purchase", "bought", "checkout", "basket", "cart")
            .rule("product", "product", "item", "size", "stock", "available", "quality", "feature", "colour",
                    "color");

    static final KeywordRules SENTIMENTS = new KeywordRules()
            .rule("negative", "angry", "terrible", "worst", "awful", "unacceptable", "ridiculous", "disappoint",
                    "frustrat", "annoy", "horrible", "useless", "still", "again", "never", "hate", "scam", "rude",
                    "ugh", "wtf", "not happy", "fed up", "joke", "waste", "😡", "😠", "!!")
            .rule("positive", "thank", "great", "love", "awesome", "excellent", "happy", "appreciate",
                    "amazing", "perfect", "good", "wonderful", "brilliant", "😊", "👍", "❤");

    private final Map<String, List<Pattern>> rules = new LinkedHashMap<>();

    private KeywordRules() {
    }

    private KeywordRules rule(String label, String... keywords) {
        rules.put(label, Arrays.stream(keywords).map(KeywordRules::wordStart).toList());
        return this;
    }

    /** The label with the most keyword hits in {@code text}; ties go to the earlier rule. */
    String best(String text, String fallback) {
        String best = fallback;
        int bestScore = 0;
        for (Map.Entry<String, List<Pattern>> rule : rules.entrySet()) {
            int score = 0;
            for (Pattern keyword : rule.getValue()) {
                Matcher m = keyword.matcher(text);
                while (m.find()) {
                    score++;
                }
            }
            if (score > bestScore) {
                best = rule.getKey();
                bestScore = score;
            }
        }
        return best;
    }

    private static Pattern wordStart(String keyword) {
        boolean wordChar = Character.isLetterOrDigit(keyword.charAt(0));
        return Pattern.compile((wordChar ? "(?<![\\p{L}\\p{N}])" : "") + Pattern.quote(keyword));
    }
}
