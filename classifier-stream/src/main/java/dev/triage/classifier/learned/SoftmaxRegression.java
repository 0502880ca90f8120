package dev.triage.classifier.learned;

import java.util.Random;

/**
 * Multinomial logistic regression over {@link FeatureVector}s: one weight row per class, trained by
 * stochastic gradient descent on the (class-weighted) cross-entropy with L2 regularisation, in a seeded order so the
 * same examples always give the same model. Its output is a probability per class, which is the
 * confidence the learned classifier reports and the cascade compares with its threshold.
 *
 * <p>Immutable once trained; {@link #probabilities} may be called from any thread.
 */
final class SoftmaxRegression {

    private final float[][] weights;
    private final float[] bias;

    private SoftmaxRegression(float[][] weights, float[] bias) {
        this.weights = weights;
        this.bias = bias;
    }

    /**
     * @param x       one feature vector per example
     * @param y       the class index of each example
     * @param classes how many classes there are
     */
    static SoftmaxRegression train(FeatureVector[] x, int[] y, int classes, Training training) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need as many labels as examples, and at least one: "
                    + x.length + " examples, " + y.length + " labels");
        }
        int dimension = x[0].dimension();
        float[][] w = new float[classes][dimension];
        float[] b = new float[classes];
        int[] order = new int[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(training.seed());
        double[] weight = training.balanced() ? balancedWeights(y, classes) : null;
        double[] p = new double[classes];
        int steps = training.epochs() * x.length;
        int step = 0;
        for (int epoch = 0; epoch < training.epochs(); epoch++) {
            shuffle(order, random);
            for (int i : order) {
                double rate = training.learningRate() * (1 - (double) step++ / steps) + 1e-4;
                softmax(w, b, x[i], p);
                for (int c = 0; c < classes; c++) {
                    double gradient = (p[c] - (c == y[i] ? 1 : 0)) * (weight == null ? 1 : weight[y[i]]);
                    x[i].update(w[c], (float) (-rate * gradient), (float) (1 - rate * training.l2()));
                    b[c] -= (float) (rate * gradient);
                }
            }
        }
        return new SoftmaxRegression(w, b);
    }

    /** Weights that give every class the same total weight: n / (classes * count of the class). */
    private static double[] balancedWeights(int[] y, int classes) {
        int[] count = new int[classes];
        for (int label : y) {
            count[label]++;
        }
        double[] weight = new double[classes];
        for (int c = 0; c < classes; c++) {
            weight[c] = count[c] == 0 ? 0 : (double) y.length / (classes * count[c]);
        }
        return weight;
    }

    /** Probability of each class for {@code x}, summing to 1. */
    double[] probabilities(FeatureVector x) {
        double[] p = new double[bias.length];
        softmax(weights, bias, x, p);
        return p;
    }

    private static void softmax(float[][] w, float[] b, FeatureVector x, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < p.length; c++) {
            p[c] = b[c] + x.dot(w[c]);
            max = Math.max(max, p[c]);
        }
        double sum = 0;
        for (int c = 0; c < p.length; c++) {
            p[c] = Math.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < p.length; c++) {
            p[c] /= sum;
        }
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /**
     * How to train: passes over the examples, starting step size (decays linearly), L2 weight, seed, and
     * whether every class weighs the same in total (so the mix of labels in the examples, which is ours
     * to choose, does not become the model's prior; measured in docs/benchmarks.md).
     */
    record Training(int epochs, double learningRate, double l2, long seed, boolean balanced) {
        static final Training DEFAULT = new Training(30, 0.5, 1e-4, 42, true);
    }
}
