package io.spikegrad.net;

import java.util.SplittableRandom;

/**
 * Estimates the spectral radius (largest eigenvalue modulus) of a real square matrix by
 * power iteration: rho = lim ||W^k x||^(1/k). Complex leading pairs make the single-vector
 * ratio oscillate, so the estimate is the geometric mean growth over many steps.
 */
public final class SpectralRadius {
    private SpectralRadius() {}

    /** w is row-major n x n. */
    public static double estimate(float[] w, int n, SplittableRandom rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextDouble() - 0.5;
        normalise(x);
        int warm = 100, steps = 400;
        double logGrowth = 0;
        double[] y = new double[n];
        for (int it = 0; it < warm + steps; it++) {
            // y = W^T x (eigenvalues of W and W^T coincide); row j of w is from neuron j
            java.util.Arrays.fill(y, 0);
            for (int j = 0; j < n; j++) {
                double xj = x[j];
                if (xj == 0) continue;
                int row = j * n;
                for (int i = 0; i < n; i++) y[i] += w[row + i] * xj;
            }
            double norm = normalise(y);
            if (norm == 0) return 0;
            if (it >= warm) logGrowth += Math.log(norm);
            double[] t = x;
            x = y;
            y = t;
        }
        return Math.exp(logGrowth / steps);
    }

    private static double normalise(double[] v) {
        double s = 0;
        for (double d : v) s += d * d;
        s = Math.sqrt(s);
        if (s > 0) for (int i = 0; i < v.length; i++) v[i] /= s;
        return s;
    }
}
