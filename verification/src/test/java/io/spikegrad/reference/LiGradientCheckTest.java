package io.spikegrad.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Central-difference check of the LI readout reference backward: the model is linear in
 * x, i0, u0 and polynomial in alpha, beta, so every entry is checked (no kinks). Loss
 * L = sum(cU .* U); tolerance and floor as in {@link LifGradientCheckTest}.
 */
class LiGradientCheckTest {
    static final Shape SHAPE = new Shape(6, 2, 3);

    final Random rnd = new Random(42);
    final int T = SHAPE.steps(), B = SHAPE.batch(), N = SHAPE.neurons();
    final double[] x = LifCase.uniform(rnd, T * B * N, -1.0, 1.0);
    final double[] alpha = LifCase.uniform(rnd, N, 0.4, 0.9);
    final double[] beta = LifCase.uniform(rnd, N, 0.5, 0.9);
    final double[] i0 = LifCase.uniform(rnd, B * N, -1.0, 1.0);
    final double[] u0 = LifCase.uniform(rnd, B * N, -1.0, 1.0);
    final double[] cU = LifCase.uniform(rnd, T * B * N, -1.0, 1.0);

    FiniteDifference.Eval eval() {
        LiTrace f = LiReference.forward(SHAPE, Precision.DOUBLE, x, alpha, beta, i0, u0);
        double loss = 0.0;
        for (int k = 0; k < cU.length; k++) loss += cU[k] * f.u()[k];
        return new FiniteDifference.Eval(loss, new double[0]);
    }

    @Test
    void backwardMatchesCentralDifferences() {
        LiTrace f = LiReference.forward(SHAPE, Precision.DOUBLE, x, alpha, beta, i0, u0);
        LiGrads g = LiReference.backward(SHAPE, Precision.DOUBLE, f, alpha, beta, i0, u0, cU);
        double lossScale = 0.0;
        for (int k = 0; k < cU.length; k++) lossScale += Math.abs(cU[k] * f.u()[k]);
        FiniteDifference.Report report = new FiniteDifference.Report(1e-6, 1e-3 * Math.max(1.0, lossScale));
        compare(report, "x", x, g.gradX());
        compare(report, "i0", i0, g.gradI0());
        compare(report, "u0", u0, g.gradU0());
        compare(report, "alpha", alpha, g.gradAlpha());
        compare(report, "beta", beta, g.gradBeta());
        assertTrue(report.passed(), report.toString());
        assertEquals(T * B * N + 2 * B * N + 2 * N, report.checked);
    }

    /** The check can fail: dropping the (1-beta) factor is caught. */
    @Test
    void wrongGradientFailsTheCheck() {
        LiTrace f = LiReference.forward(SHAPE, Precision.DOUBLE, x, alpha, beta, i0, u0);
        LiGrads g = LiReference.backward(SHAPE, Precision.DOUBLE, f, alpha, beta, i0, u0, cU);
        double[] wrong = g.gradX().clone();
        for (int k = 0; k < wrong.length; k++) wrong[k] /= (1.0 - beta[k % N]);
        FiniteDifference.Report report = new FiniteDifference.Report(1e-6, 1e-3);
        compare(report, "x", x, wrong);
        assertTrue(!report.passed() && report.maxError > 0.1, report.toString());
    }

    void compare(FiniteDifference.Report report, String name, double[] param, double[] analytic) {
        for (int k = 0; k < param.length; k++) {
            report.compare(name, k, FiniteDifference.central(param, k, 1e-6, this::eval).derivative(), analytic[k]);
        }
    }
}
