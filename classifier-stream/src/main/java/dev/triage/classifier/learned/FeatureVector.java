package dev.triage.classifier.learned;

/**
 * A conversation as numbers: a dense part (its sentence embedding) followed by a sparse part
 * (hashed word and character n-grams, given as indices and values). Dense and sparse parts are
 * each L2-normalised by whoever builds them.
 *
 * @param dense        the embedding
 * @param sparseIndex  indices into the sparse part, which starts after the dense part
 * @param sparseValue  the value at each of those indices
 * @param sparseSize   the size of the sparse part
 */
record FeatureVector(float[] dense, int[] sparseIndex, float[] sparseValue, int sparseSize) {

    int dimension() {
        return dense.length + sparseSize;
    }

    double dot(float[] w) {
        double sum = 0;
        for (int i = 0; i < dense.length; i++) {
            sum += dense[i] * w[i];
        }
        int offset = dense.length;
        for (int i = 0; i < sparseIndex.length; i++) {
            sum += sparseValue[i] * w[offset + sparseIndex[i]];
        }
        return sum;
    }

    /**
     * {@code w = w * decay + step * this}; the decay (L2) is applied to the weights this vector
     * touches only, which keeps an update proportional to its non-zero features.
     */
    void update(float[] w, float step, float decay) {
        for (int i = 0; i < dense.length; i++) {
            w[i] = w[i] * decay + step * dense[i];
        }
        int offset = dense.length;
        for (int i = 0; i < sparseIndex.length; i++) {
            int j = offset + sparseIndex[i];
            w[j] = w[j] * decay + step * sparseValue[i];
        }
    }
}
