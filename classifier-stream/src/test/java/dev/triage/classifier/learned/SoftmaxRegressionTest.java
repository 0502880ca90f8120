package dev.triage.classifier.learned;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The regression on toy problems small enough to know the answer: three separable classes. */
class SoftmaxRegressionTest {

    private static final int CLASSES = 3;
    private static final int PER_CLASS = 20;

    @Test
    void learnsThreeSeparableClustersOfDenseFeatures() {
        Toy toy = dense(new Random(1));

        SoftmaxRegression model = SoftmaxRegression.train(toy.x(), toy.y(), CLASSES, SoftmaxRegression.Training.DEFAULT);

        Toy unseen = dense(new Random(2));
        for (int i = 0; i < unseen.x().length; i++) {
            assertThat(argmax(model.probabilities(unseen.x()[i]))).as("example %d", i).isEqualTo(unseen.y()[i]);
        }
    }

    @Test
    void learnsFromSparseFeaturesAlone() {
        // class c is marked by sparse feature 10 + c among noise features 0..9; no dense part
        Random random = new Random(3);
        FeatureVector[] x = new FeatureVector[CLASSES * PER_CLASS];
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % CLASSES;
            x[i] = sparse(random.nextInt(10), 10 + y[i]);
        }

        SoftmaxRegression model = SoftmaxRegression.train(x, y, CLASSES, SoftmaxRegression.Training.DEFAULT);

        for (int c = 0; c < CLASSES; c++) {
            double[] p = model.probabilities(sparse(7, 10 + c));
            assertThat(argmax(p)).isEqualTo(c);
            assertThat(p[c]).isGreaterThan(0.8);
        }
    }

    @Test
    void probabilitiesArePositiveAndSumToOne() {
        Toy toy = dense(new Random(4));
        SoftmaxRegression model = SoftmaxRegression.train(toy.x(), toy.y(), CLASSES, SoftmaxRegression.Training.DEFAULT);

        for (FeatureVector x : dense(new Random(5)).x()) {
            double[] p = model.probabilities(x);
            assertThat(p).hasSize(CLASSES);
            assertThat(java.util.Arrays.stream(p)).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
            assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    void theSameSeedGivesTheSameModelAndAnotherSeedAnotherOne() {
        Toy toy = dense(new Random(6));
        SoftmaxRegression.Training seeded = new SoftmaxRegression.Training(5, 0.5, 1e-4, 7, true);

        SoftmaxRegression a = SoftmaxRegression.train(toy.x(), toy.y(), CLASSES, seeded);
        SoftmaxRegression b = SoftmaxRegression.train(toy.x(), toy.y(), CLASSES, seeded);
        SoftmaxRegression other = SoftmaxRegression.train(toy.x(), toy.y(), CLASSES, new SoftmaxRegression.Training(5, 0.5, 1e-4, 8, true));

        FeatureVector probe = new FeatureVector(new float[]{0.3f, -0.2f}, new int[0], new float[0], 0);
        assertThat(a.probabilities(probe)).containsExactly(b.probabilities(probe));
        // the seed orders the examples, and SGD's result depends on the order: the seed is really used
        assertThat(other.probabilities(probe)).isNotEqualTo(a.probabilities(probe));
    }

    @Test
    void balancedTrainingDoesNotLetTheMajorityLabelWinTheOverlap() {
        // one feature; class 1 (10% of the examples) sits just above class 0, and they overlap
        Random random = new Random(9);
        int n = 1000;
        FeatureVector[] x = new FeatureVector[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10 == 0 ? 1 : 0;
            x[i] = new FeatureVector(new float[]{(float) (y[i] + random.nextGaussian()), 1f}, new int[0], new float[0], 0);
        }
        FeatureVector middle = new FeatureVector(new float[]{0.6f, 1f}, new int[0], new float[0], 0);
        double plain = SoftmaxRegression.train(x, y, 2, new SoftmaxRegression.Training(20, 0.1, 1e-4, 1, false))
                .probabilities(middle)[1];
        double balanced = SoftmaxRegression.train(x, y, 2, new SoftmaxRegression.Training(20, 0.1, 1e-4, 1, true))
                .probabilities(middle)[1];

        assertThat(plain).as("unweighted, the 9:1 prior keeps the minority label unlikely").isLessThan(0.3);
        assertThat(balanced).as("balanced, the point nearer class 1 leans to it").isGreaterThan(0.5);
    }

    @Test
    void mismatchedLabelsAreRefused() {
        Toy toy = dense(new Random(9));
        int[] tooFew = new int[toy.y().length - 1];

        assertThatThrownBy(() -> SoftmaxRegression.train(toy.x(), tooFew, CLASSES, SoftmaxRegression.Training.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need as many labels as examples");
    }

    /** Class c lies around the unit vector at angle c * 120 degrees, normalised like an embedding. */
    private static Toy dense(Random random) {
        FeatureVector[] x = new FeatureVector[CLASSES * PER_CLASS];
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % CLASSES;
            double angle = y[i] * 2 * Math.PI / CLASSES + (random.nextDouble() - 0.5) * 0.6;
            x[i] = new FeatureVector(new float[]{(float) Math.cos(angle), (float) Math.sin(angle)}, new int[0], new float[0], 0);
        }
        return new Toy(x, y);
    }

    private static FeatureVector sparse(int noise, int marker) {
        float v = (float) (1 / Math.sqrt(2));
        return new FeatureVector(new float[0], new int[]{noise, marker}, new float[]{v, v}, 64);
    }

    private static int argmax(double[] p) {
        return IntStream.range(0, p.length).reduce((a, b) -> p[b] > p[a] ? b : a).orElseThrow();
    }

    private record Toy(FeatureVector[] x, int[] y) {
    }
}
