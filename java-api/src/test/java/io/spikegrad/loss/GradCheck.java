package io.spikegrad.loss;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.ToDoubleFunction;

/** Central finite differences on float inputs, with the perturbation actually applied in float. */
final class GradCheck {
    private GradCheck() {}

    static final double RTOL = 1e-3;

    /**
     * For every entry k of {@code x}: perturbs it to fl(x_k + h) and fl(x_k - h), evaluates f,
     * divides by the perturbation the float actually carries, and compares with expected[k].
     * Fails with the first mismatches listed. Returns the number of entries whose gradient is
     * nonzero, so a caller can check the test was not vacuous.
     */
    static int check(String what, float[] x, double h, double atol, double[] expected, ToDoubleFunction<float[]> f) {
        StringBuilder bad = new StringBuilder();
        int mismatches = 0, nonzero = 0;
        for (int k = 0; k < x.length; k++) {
            float keep = x[k];
            float up = (float) (keep + h), down = (float) (keep - h);
            x[k] = up;
            double fUp = f.applyAsDouble(x);
            x[k] = down;
            double fDown = f.applyAsDouble(x);
            x[k] = keep;
            double fd = (fUp - fDown) / ((double) up - (double) down);
            double g = expected[k];
            if (g != 0) nonzero++;
            if (!(Math.abs(fd - g) <= RTOL * Math.max(Math.abs(fd), Math.abs(g)) + atol)) {
                if (mismatches++ < 8) bad.append(String.format("%n  %s[%d]: finite difference %.9g, gradient %.9g", what, k, fd, g));
            }
        }
        if (mismatches > 0) fail(mismatches + " of " + x.length + " entries of d/d" + what + " disagree:" + bad);
        return nonzero;
    }
}
