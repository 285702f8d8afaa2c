package io.spikegrad.reference;

import io.spikegrad.LifKernelConfig;
import io.spikegrad.ResetMode;
import io.spikegrad.Surrogate;
import java.util.Random;

/**
 * A random LIF test case: inputs and the coefficients of the scalar loss
 * L = sum(cS .* S) + sum(cU .* U), so that dL/dS = cS and dL/dU = cU.
 * Arrays are mutable on purpose: the finite-difference checks perturb them in place.
 */
final class LifCase {
    final LifKernelConfig config;
    final double[] x, wRec, alpha, beta, theta, i0, v0, cS, cU;

    /**
     * Values chosen so that U - theta spends much of its time within about one
     * surrogate width of 0 (theta = 1, U mostly in [0.3, 1.7]).
     */
    LifCase(LifKernelConfig c, boolean recurrent, long seed) {
        config = c;
        int T = c.steps(), B = c.batch(), N = c.neurons();
        Random rnd = new Random(seed);
        x = uniform(rnd, T * B * N, 0.0, 1.2);
        wRec = recurrent ? uniform(rnd, N * N, -0.4, 0.4) : null;
        alpha = uniform(rnd, N, 0.4, 0.7);
        beta = uniform(rnd, N, 0.5, 0.8);
        theta = uniform(rnd, N, 0.9, 1.1);
        i0 = uniform(rnd, B * N, 0.5, 1.5);
        v0 = uniform(rnd, B * N, 0.3, 1.2);
        cS = uniform(rnd, T * B * N, -1.0, 1.0);
        cU = uniform(rnd, T * B * N, -1.0, 1.0);
    }

    static LifKernelConfig config(int T, int B, int N, ResetMode reset, Surrogate surrogate,
                                  boolean detach, boolean smooth) {
        return new LifKernelConfig(T, B, N, reset, 0.1, surrogate, detach, smooth);
    }

    LifTrace forward(Precision p) {
        return LifReference.forward(config, p, x, wRec, alpha, beta, theta, i0, v0);
    }

    LifGrads backward(LifKernelConfig c, Precision p, LifTrace fwd) {
        return LifReference.backward(c, p, fwd, x, wRec, alpha, beta, theta, i0, v0, cS, cU);
    }

    /** L and z = U - theta at the current inputs (double precision). */
    FiniteDifference.Eval eval() {
        LifTrace f = forward(Precision.DOUBLE);
        int N = config.neurons();
        double loss = 0.0;
        double[] z = new double[f.u().length];
        for (int k = 0; k < z.length; k++) {
            loss += cS[k] * f.s()[k] + cU[k] * f.u()[k];
            z[k] = f.u()[k] - theta[k % N];
        }
        return new FiniteDifference.Eval(loss, z);
    }

    static double[] uniform(Random rnd, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int k = 0; k < n; k++) a[k] = lo + (hi - lo) * rnd.nextDouble();
        return a;
    }
}
