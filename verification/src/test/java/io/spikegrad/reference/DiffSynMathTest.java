package io.spikegrad.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.diffsyn.DiffSynGate;
import io.spikegrad.diffsyn.DiffSynNeuron;
import org.junit.jupiter.api.Test;

/** The per-neuron math of the differentiable synapse ({@link DiffSynMath}, twin of diffsyn_math.h). */
class DiffSynMathTest {
    static final double TAU = 25e-3;

    /** RK4 with many small steps of dv/dt = f(v, I): the ODE the closed-form flows must solve. */
    static double rk4(DiffSynNeuron n, double v, double i, double dt) {
        int m = 20_000;
        double h = dt / m;
        for (int k = 0; k < m; k++) {
            double k1 = DiffSynMath.f(n, v, i, TAU), k2 = DiffSynMath.f(n, v + h / 2 * k1, i, TAU);
            double k3 = DiffSynMath.f(n, v + h / 2 * k2, i, TAU), k4 = DiffSynMath.f(n, v + h * k3, i, TAU);
            v += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        return v;
    }

    @Test
    void flowsSolveTheirOdeAndTheirPartialsAreExact() {
        double dt = 2e-3;
        // QIF currents on both sides of 0, across the series / closed-form switch (|z| = 0.1) and large
        double[] currents = {-400, -60, -2.5, -0.3, 0, 0.3, 2.5, 10, 60, 400, 1500};
        double[] voltages = {0.0, 0.1, 0.3, 0.5, 0.62, 0.8, 0.97};
        for (DiffSynNeuron n : DiffSynNeuron.values())
            for (double i : currents)
                for (double v : voltages) {
                    if (n == DiffSynNeuron.NIF || n == DiffSynNeuron.LIF) {
                        if (Math.abs(i) > 100) continue;
                    }
                    DiffSynMath.Flow f = DiffSynMath.flow(n, v, i, dt, TAU);
                    assertNotNull(f, n + " v " + v + " I " + i);
                    String at = n + " v=" + v + " I=" + i;
                    assertEquals(rk4(n, v, i, dt), f.u(), 1e-9, at + ": u");
                    double h = 1e-6;
                    double dv = (DiffSynMath.flow(n, v + h, i, dt, TAU).u() - DiffSynMath.flow(n, v - h, i, dt, TAU).u()) / (2 * h);
                    double hi = 1e-4 * Math.max(1, Math.abs(i));
                    double di = (DiffSynMath.flow(n, v, i + hi, dt, TAU).u() - DiffSynMath.flow(n, v, i - hi, dt, TAU).u()) / (2 * hi);
                    assertEquals(dv, f.duDv(), 1e-6 * Math.max(1, Math.abs(dv)), at + ": du/dv");
                    assertEquals(di, f.duDi(), 1e-6 * Math.max(dt, Math.abs(di)), at + ": du/dI");
                }
    }

    @Test
    void qifFlowRefusesMoreThanOneSpikePerStep() {
        // sqrt(z) = 2 pi sqrt(I/tau) dt must stay below pi: I < tau/(4 dt^2) = 1562.5/s at dt = 2 ms
        assertNotNull(DiffSynMath.flow(DiffSynNeuron.QIF, 0.3, 1500, 2e-3, TAU));
        assertNull(DiffSynMath.flow(DiffSynNeuron.QIF, 0.3, 1600, 2e-3, TAU));
        assertNull(DiffSynMath.flow(DiffSynNeuron.NIF, 0.3, 1e9, 2e-3, TAU));
        assertNull(DiffSynMath.flow(DiffSynNeuron.NIF, 0.3, Double.NaN, 2e-3, TAU));
    }

    @Test
    void gatesAreUnitIntegralDensitiesOfTheirCumulatives() {
        for (DiffSynNeuron n : DiffSynNeuron.values())
            for (DiffSynGate g : DiffSynGate.values()) {
                double w = 0.3, lo = n == DiffSynNeuron.NIF ? -1 : 0;
                // G rises by exactly 1 over the upper zone (and, for NIF, over the lower one)
                assertEquals(0.0, DiffSynMath.gateCdf(n, g, w, 0.5), 0.0);
                assertEquals(1.0, DiffSynMath.gateCdf(n, g, w, 1.0), 0.0);
                if (n == DiffSynNeuron.NIF) assertEquals(-1.0, DiffSynMath.gateCdf(n, g, w, -1.0), 0.0);
                double integral = 0;
                int m = 200_000;
                for (int k = 0; k < m; k++) {
                    double v = lo + (1 - lo) * (k + 0.5) / m;
                    double pdf = DiffSynMath.gatePdf(n, g, w, v);
                    assertTrue(pdf >= 0);
                    integral += pdf * (1 - lo) / m;
                    if (k % 997 == 0 && Math.abs(v - (1 - w)) > 1e-4 && Math.abs(v + 1 - w) > 1e-4) {
                        double h = 1e-7;
                        double d = (DiffSynMath.gateCdf(n, g, w, v + h) - DiffSynMath.gateCdf(n, g, w, v - h)) / (2 * h);
                        assertEquals(d, pdf, 1e-5 * Math.max(1, pdf), n + " " + g + " g(" + v + ")");
                    }
                }
                assertEquals(n == DiffSynNeuron.NIF ? 2.0 : 1.0, integral, 1e-6, n + " " + g + ": integral of g over the zones");
            }
    }

    @Test
    void chargeCountsEveryCrossingOnceWithTheGateStateAroundIt() {
        DiffSynNeuron nif = DiffSynNeuron.NIF;
        DiffSynGate box = DiffSynGate.BOX;
        // from 0.5 up to 1.2: one crossing, ends at 0.2 outside the zone: charge exactly 1
        assertEquals(1, DiffSynMath.spikes(nif, 1.2));
        assertEquals(1.0, DiffSynMath.charge(nif, box, 0.3, 1, 0.5, 0.2), 1e-15);
        // from 0.8 (inside the zone, G = 1/3) up to 1.1: the remaining 2/3
        assertEquals(2.0 / 3, DiffSynMath.charge(nif, box, 0.3, 1, 0.8, 0.1), 1e-15);
        // down through -1: a negative response
        assertEquals(-1, DiffSynMath.spikes(nif, -1.05));
        assertEquals(-1.0, DiffSynMath.charge(nif, box, 0.3, -1, -0.5, -0.05), 1e-15);
        // several crossings in one coarse step
        assertEquals(2, DiffSynMath.spikes(nif, 2.4));
        assertEquals(-2, DiffSynMath.spikes(nif, -2.4));
        // the QIF phase wraps forward (and, with a strongly negative input, backward)
        assertEquals(1, DiffSynMath.spikes(DiffSynNeuron.QIF, 1.01));
        assertEquals(-1, DiffSynMath.spikes(DiffSynNeuron.QIF, -0.01));
        assertEquals(0, DiffSynMath.spikes(DiffSynNeuron.LIF, -3.0));
    }
}
