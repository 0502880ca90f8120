package dev.triage.classifier.learned;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Sentence embeddings computed in this process: BAAI's bge-small-en-v1.5, quantized, run by ONNX
 * Runtime, both shipped in a langchain4j jar, so no model server and no download is needed. Chosen
 * over all-MiniLM-L6-v2 and e5-small-v2 (quantized, same library) by accuracy on labelled support
 * conversations; see docs/benchmarks.md. Vectors are L2-normalised, 384 numbers.
 *
 * <p>Thread-safe: ONNX Runtime sessions may be run from several threads.
 */
public final class SentenceEncoder {

    /** Written into results as part of the model name. */
    public static final String NAME = "bge-small-en-v1.5-q";

    private static final int BATCH = 64;

    private final EmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();

    public float[] embed(String text) {
        return normalised(model.embed(text).content().vector());
    }

    /** Embeds {@code texts} in batches, telling {@code done} how many are finished after each. */
    public List<float[]> embedAll(List<String> texts, IntConsumer done) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i += BATCH) {
            List<TextSegment> batch = texts.subList(i, Math.min(texts.size(), i + BATCH)).stream()
                    .map(t -> TextSegment.from(t.isBlank() ? "-" : t)).toList();
            model.embedAll(batch).content().forEach(e -> vectors.add(normalised(e.vector())));
            done.accept(vectors.size());
        }
        return vectors;
    }

    private static float[] normalised(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += f * f;
        }
        float scale = sum == 0 ? 0 : (float) (1 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }
}
