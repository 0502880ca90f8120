package dev.triage.classifier.learned;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The sparse half of a {@link FeatureVector}: word unigrams and bigrams and character 3- to
 * 5-grams inside words, hashed into {@code size} buckets, weighted by sublinear term frequency times
 * the inverse document frequency learned from the training examples, and L2-normalised. They catch
 * what a small sentence embedding blurs: product words, negations, a customer's exact phrasing.
 *
 * <p>Immutable once fitted.
 */
final class Ngrams {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}']+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private final int size;
    private final float[] idf;

    private Ngrams(int size, float[] idf) {
        this.size = size;
        this.idf = idf;
    }

    /** Learns the inverse document frequencies from {@code texts}. */
    static Ngrams fit(Iterable<String> texts, int size) {
        int[] documents = new int[size];
        int n = 0;
        for (String text : texts) {
            n++;
            for (int bucket : counts(text, size).keySet()) {
                documents[bucket]++;
            }
        }
        float[] idf = new float[size];
        for (int i = 0; i < size; i++) {
            idf[i] = (float) (Math.log((1.0 + n) / (1.0 + documents[i])) + 1);
        }
        return new Ngrams(size, idf);
    }

    int size() {
        return size;
    }

    /** The weighted, normalised n-grams of {@code text}, to go beside {@code dense}. */
    FeatureVector features(float[] dense, String text) {
        Map<Integer, Integer> counts = counts(text, size);
        int[] index = new int[counts.size()];
        float[] value = new float[counts.size()];
        double norm = 0;
        int i = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            index[i] = e.getKey();
            value[i] = (float) ((1 + Math.log(e.getValue())) * idf[e.getKey()]);
            norm += value[i] * value[i];
            i++;
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < value.length; j++) {
            value[j] *= scale;
        }
        return new FeatureVector(dense, index, value, size);
    }

    private static Map<Integer, Integer> counts(String text, int size) {
        String folded = MARKS.matcher(Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD))
                .replaceAll("");
        Map<Integer, Integer> counts = new HashMap<>();
        String previous = "<s>";
        var words = WORD.matcher(folded);
        while (words.find()) {
            String word = words.group();
            add(counts, "w:" + word, size);
            add(counts, "b:" + previous + " " + word, size);
            String padded = "<" + word + ">";
            for (int n = 3; n <= 5; n++) {
                for (int start = 0; start + n <= padded.length(); start++) {
                    add(counts, "c:" + padded.substring(start, start + n), size);
                }
            }
            previous = word;
        }
        return counts;
    }

    private static void add(Map<Integer, Integer> counts, String gram, int size) {
        int h = gram.hashCode() * 0x9E3779B1;
        counts.merge(Math.floorMod(h ^ (h >>> 15), size), 1, Integer::sum);
    }
}
