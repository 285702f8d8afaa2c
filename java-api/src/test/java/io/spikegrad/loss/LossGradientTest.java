package io.spikegrad.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dL/dout written by every {@link Loss} equals central finite differences of the returned
 * loss, entry by entry, and overwrites whatever the grad buffer held.
 */
class LossGradientTest {

    static final int T = 6, B = 3, C = 4, K = 5;

    static Stream<Arguments> losses() {
        Random r = new Random(7);
        float[][] targets = new float[K][T * C];
        for (float[] y : targets) for (int i = 0; i < y.length; i++) y[i] = (float) r.nextGaussian();
        return Stream.of(
                Arguments.of(named(new SpikeCountCrossEntropy()), C),
                Arguments.of(named(new MaxMembraneCrossEntropy()), C),
                Arguments.of(named(new SumMembraneCrossEntropy()), C),
                Arguments.of(named(new WaveformMse(targets)), K));
    }

    static Named<Loss> named(Loss l) {
        return Named.of(l.name(), l);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void gradientMatchesFiniteDifferences(Loss loss, int labelCount) {
        Random r = new Random(loss.name().hashCode());
        float[] out = randomOut(r, loss instanceof MaxMembraneCrossEntropy);
        int[] labels = new int[B];
        for (int b = 0; b < B; b++) labels[b] = r.nextInt(labelCount);

        float[] grad = new float[T * B * C];
        for (int k = 0; k < grad.length; k++) grad[k] = 100f + k; // garbage: must be overwritten
        double value = loss.evaluate(FloatBuffer.wrap(out), T, B, C, labels, FloatBuffer.wrap(grad), null);
        assertTrue(Double.isFinite(value) && value > 0, "loss " + value);
        double[] expected = new double[grad.length];
        for (int k = 0; k < grad.length; k++) expected[k] = grad[k];

        // CE losses are smooth but not quadratic: h = 1e-3 leaves an O(h^2) truncation error
        // ~1e-6 relative; the MSE is quadratic, so its differences are exact up to rounding.
        double h = loss instanceof WaveformMse ? 1e-2 : 1e-3;
        float[] scratch = new float[grad.length];
        int nonzero = GradCheck.check("out", out, h, 1e-6, expected,
                x -> loss.evaluate(FloatBuffer.wrap(x), T, B, C, labels, FloatBuffer.wrap(scratch), null));
        int min = loss instanceof MaxMembraneCrossEntropy ? B * C : T * B * C; // max: one step per (b, c)
        assertEquals(min, nonzero, "entries with a nonzero gradient");
    }

    /**
     * Values of order 1. For the max-membrane loss each (b, c) column has distinct values at
     * least 0.05 apart, so perturbations of 1e-3 never move the maximum to another step.
     */
    static float[] randomOut(Random r, boolean distinctColumns) {
        float[] out = new float[T * B * C];
        for (int col = 0; col < B * C; col++) {
            int[] perm = new int[T];
            for (int t = 0; t < T; t++) perm[t] = t;
            for (int t = T - 1; t > 0; t--) {
                int j = r.nextInt(t + 1), s = perm[t];
                perm[t] = perm[j];
                perm[j] = s;
            }
            for (int t = 0; t < T; t++) {
                out[t * B * C + col] = distinctColumns
                        ? (float) (-1 + 0.3 * perm[t] + 0.2 * r.nextDouble())
                        : (float) (2 * r.nextDouble() - 0.5);
            }
        }
        return out;
    }
}
