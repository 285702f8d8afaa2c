package io.spikegrad.net;

import java.util.SplittableRandom;

/**
 * Weight initialisers. Each fills an [in][out] array from a seeded generator, so the same
 * seed gives the same network.
 */
public interface Init {

    void fill(float[] w, int inputs, int outputs, SplittableRandom rng);

    /** N(mean, std^2). */
    static Init normal(double mean, double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("std must be >= 0, got " + std);
        return (w, in, out, rng) -> {
            for (int k = 0; k < w.length; k++) w[k] = (float) (mean + std * Gaussian.next(rng));
        };
    }

    /** U(lo, hi). */
    static Init uniform(double lo, double hi) {
        if (!(hi >= lo)) throw new IllegalArgumentException("uniform needs lo <= hi, got " + lo + ", " + hi);
        return (w, in, out, rng) -> {
            for (int k = 0; k < w.length; k++) w[k] = (float) (lo + (hi - lo) * rng.nextDouble());
        };
    }

    /** N(0, (gain/sqrt(fan_in))^2), the fan-in scaled normal. */
    static Init fanIn(double gain) {
        return (w, in, out, rng) -> {
            double std = gain / Math.sqrt(in);
            for (int k = 0; k < w.length; k++) w[k] = (float) (std * Gaussian.next(rng));
        };
    }

    /**
     * Square recurrent weights N(0, 1/n) rescaled so that their spectral radius (largest
     * |eigenvalue|, estimated by {@link SpectralRadius}) equals {@code rho}.
     */
    static Init spectralRadius(double rho) {
        if (!(rho >= 0)) throw new IllegalArgumentException("spectral radius must be >= 0, got " + rho);
        return (w, in, out, rng) -> {
            if (in != out) throw new IllegalArgumentException("spectralRadius needs a square matrix, got " + in + "x" + out);
            for (int k = 0; k < w.length; k++) w[k] = (float) (Gaussian.next(rng) / Math.sqrt(in));
            double r = SpectralRadius.estimate(w, in, rng);
            if (r > 0) for (int k = 0; k < w.length; k++) w[k] = (float) (w[k] * rho / r);
        };
    }

    /** All zeros. */
    static Init zeros() {
        return (w, in, out, rng) -> java.util.Arrays.fill(w, 0f);
    }

    /** Standard normal draws from a SplittableRandom (Box-Muller, no hidden state). */
    final class Gaussian {
        private Gaussian() {}

        static double next(SplittableRandom rng) {
            double u1 = rng.nextDouble();
            double u2 = rng.nextDouble();
            return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
        }
    }
}
