package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The closed forms of {@link NeuronMath} against numerical integration and brute-force search. */
class NeuronMathTest {

    /** RK4 of tau_mem V' = -V + I, tau_syn I' = -I over d in n steps; returns {V, I}. */
    static double[] rk4(double v, double i, double tm, double ts, double d, int n) {
        double h = d / n;
        for (int s = 0; s < n; s++) {
            double k1v = (-v + i) / tm, k1i = -i / ts;
            double v2 = v + h / 2 * k1v, i2 = i + h / 2 * k1i;
            double k2v = (-v2 + i2) / tm, k2i = -i2 / ts;
            double v3 = v + h / 2 * k2v, i3 = i + h / 2 * k2i;
            double k3v = (-v3 + i3) / tm, k3i = -i3 / ts;
            double v4 = v + h * k3v, i4 = i + h * k3i;
            double k4v = (-v4 + i4) / tm, k4i = -i4 / ts;
            v += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
            i += h / 6 * (k1i + 2 * k2i + 2 * k3i + k4i);
        }
        return new double[] {v, i};
    }

    @Test
    void closedFormMatchesRk4IncludingEqualAndNearlyEqualConstants() {
        double[][] taus = {{20e-3, 5e-3}, {5e-3, 20e-3}, {10e-3, 10e-3}, {10e-3, 10e-3 * (1 + 1e-9)}, {10e-3, 10e-3 * (1 - 1e-13)}};
        for (double[] t : taus) {
            for (double d : new double[] {1e-4, 7e-3, 30e-3}) {
                double[] ref = rk4(0.3, 2.0, t[0], t[1], d, 20000);
                assertEquals(ref[0], NeuronMath.voltage(d, 0.3, 2.0, t[0], t[1]), 1e-12, "V, taus " + t[0] + "," + t[1] + " d " + d);
                assertEquals(ref[1], NeuronMath.current(d, 2.0, t[1]), 1e-12, "I");
            }
        }
    }

    @Test
    void kernelIsTheTextbookDifferenceAndNeverOverflows() {
        double tm = 20e-3, ts = 5e-3, d = 12e-3;
        double textbook = ts / (ts - tm) * (Math.exp(-d / ts) - Math.exp(-d / tm));
        assertEquals(textbook, NeuronMath.kernel(d, tm, ts), 1e-15);
        // the adjoint kernel K(d; tau_syn, tau_mem) = (tau_mem/tau_syn) K(d; tau_mem, tau_syn)
        assertEquals(tm / ts * NeuronMath.kernel(d, tm, ts), NeuronMath.kernel(d, ts, tm), 1e-14);
        // long gaps with very different constants: exp(-d/ts) underflows, no 0 * inf
        double k = NeuronMath.kernel(10.0, 1e-3, 20e-3);
        assertTrue(Double.isFinite(k) && k >= 0, "kernel at 10 s: " + k);
        assertTrue(Double.isFinite(NeuronMath.kernel(10.0, 20e-3, 1e-3)));
        assertEquals(0.0, NeuronMath.kernel(0.0, 20e-3, 5e-3));
    }

    @Test
    void integralMatchesSimpson() {
        for (double[] t : new double[][] {{20e-3, 5e-3}, {8e-3, 8e-3}}) {
            double d = 25e-3, v0 = -0.2, i0 = 1.7;
            int n = 20000;
            double h = d / n, s = 0;
            for (int k = 0; k <= n; k++) {
                double wgt = k == 0 || k == n ? 1 : (k % 2 == 1 ? 4 : 2);
                s += wgt * NeuronMath.voltage(k * h, v0, i0, t[0], t[1]);
            }
            assertEquals(s * h / 3, NeuronMath.integral(d, v0, i0, t[0], t[1]), 1e-14);
        }
    }

    @Test
    void peakTimeIsTheOnlyCriticalPoint() {
        SplittableRandom rng = new SplittableRandom(1);
        int withPeak = 0;
        for (int trial = 0; trial < 300; trial++) {
            double tm = 2e-3 + 30e-3 * rng.nextDouble(), ts = trial % 10 == 0 ? tm : 1e-3 + 30e-3 * rng.nextDouble();
            double v0 = -2 + 4 * rng.nextDouble(), i0 = -4 + 8 * rng.nextDouble();
            double dp = NeuronMath.peakTime(v0, i0, tm, ts);
            if (dp != NeuronMath.NONE) {
                withPeak++;
                double v = NeuronMath.voltage(dp, v0, i0, tm, ts), i = NeuronMath.current(dp, i0, ts);
                double scale = (Math.abs(v) + Math.abs(i)) / tm;
                assertEquals(0.0, NeuronMath.vdot(v, i, tm), 1e-12 * scale, "Vdot at the critical point");
            } else {
                // monotone on a long grid: Vdot keeps the sign of Vdot(0)
                double s0 = Math.signum(i0 - v0);
                for (int k = 1; k <= 2000; k++) {
                    double d = k * 20 * Math.max(tm, ts) / 2000;
                    double v = NeuronMath.voltage(d, v0, i0, tm, ts), i = NeuronMath.current(d, i0, ts);
                    double vd = NeuronMath.vdot(v, i, tm);
                    assertTrue(vd * s0 >= -1e-12 * (Math.abs(v0) + Math.abs(i0)) / tm, "no critical point claimed, but Vdot changed sign");
                }
            }
        }
        assertTrue(withPeak > 50 && withPeak < 290, "both cases exercised: " + withPeak);
    }

    @Test
    void crossingAgreesWithBruteForceSearch() {
        SplittableRandom rng = new SplittableRandom(2);
        int crossings = 0, none = 0;
        for (int trial = 0; trial < 400; trial++) {
            double tm = 2e-3 + 30e-3 * rng.nextDouble(), ts = trial % 10 == 0 ? tm : 1e-3 + 30e-3 * rng.nextDouble();
            double theta = 0.5 + rng.nextDouble();
            double v0 = -1 + (theta + 0.99) * rng.nextDouble() * 0.999, i0 = -3 + 9 * rng.nextDouble();
            double horizon = 0.05;
            // brute force: first grid sign change, then bisection
            int n = 20000;
            double prev = v0 - theta, found = NeuronMath.NONE, vmax = v0;
            for (int k = 1; k <= n; k++) {
                double d = horizon * k / n;
                double f = NeuronMath.voltage(d, v0, i0, tm, ts) - theta;
                vmax = Math.max(vmax, f + theta);
                if (prev <= 0 && f > 0 && found == NeuronMath.NONE) {
                    double lo = horizon * (k - 1) / n, hi = d;
                    for (int it = 0; it < 100; it++) {
                        double mid = 0.5 * (lo + hi);
                        if (NeuronMath.voltage(mid, v0, i0, tm, ts) > theta) hi = mid; else lo = mid;
                    }
                    found = hi;
                }
                prev = f;
            }
            if (Math.abs(vmax - theta) < 1e-6) continue;          // near-tangent: the grid cannot decide
            double d = NeuronMath.crossing(v0, i0, tm, ts, theta, horizon);
            if (found == NeuronMath.NONE) {
                assertEquals(NeuronMath.NONE, d, "trial " + trial + ": spurious crossing");
                none++;
            } else {
                assertEquals(found, d, 1e-14, "trial " + trial);
                crossings++;
            }
        }
        assertTrue(crossings > 50 && none > 50, "both cases exercised: " + crossings + " crossings, " + none + " none");
    }
}
