package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.data.SpikeEvents;
import org.junit.jupiter.api.Test;

/** Threshold crossings near tangency, and the Vdot guard. */
class RootFindingTest {
    static final double TM = 20e-3, TS = 5e-3, THETA = 1.0;
    /** Peak of K(d; tau_mem, tau_syn): d* = ln(tau_mem/tau_syn)/(1/tau_syn - 1/tau_mem). */
    static final double PEAK = Math.log(TM / TS) / (1 / TS - 1 / TM);
    static final double KMAX = NeuronMath.kernel(PEAK, TM, TS);

    @Test
    void peakTimeMatchesTheTextbookFormula() {
        assertEquals(PEAK, NeuronMath.peakTime(0, 1, TM, TS), 1e-16);
    }

    @Test
    void nearTangentialCrossingIsFoundAndNearMissIsNot() {
        for (double eps : new double[] {1e-6, 1e-9, 1e-12}) {
            double w = THETA * (1 + eps) / KMAX;
            double d = NeuronMath.crossing(0, w, TM, TS, THETA, 1.0);
            assertTrue(d < PEAK, "eps " + eps + ": crossing must precede the peak, got " + d);
            double v = NeuronMath.voltage(d, 0, w, TM, TS);
            assertEquals(THETA, v, 4e-16, "eps " + eps + ": V at the root");
            // an independent plain bisection on [0, PEAK] agrees to the conditioning of the problem:
            // |dt| <~ eps_machine / Vdot
            double lo = 0, hi = PEAK;
            for (int i = 0; i < 200; i++) {
                double mid = 0.5 * (lo + hi);
                if (NeuronMath.voltage(mid, 0, w, TM, TS) > THETA) hi = mid; else lo = mid;
            }
            double vdot = NeuronMath.vdot(v, NeuronMath.current(d, w, TS), TM);
            System.out.printf("near-tangent eps %.0e: d = %.17g s (peak %.17g), bisection %.17g, Vdot = %.3e%n", eps, d, PEAK, hi, vdot);
            assertEquals(hi, d, 1e-15 / vdot + 1e-17);
            assertTrue(vdot > 0 && vdot < 1, "a near-tangential crossing has a small positive Vdot, got " + vdot);

            double wMiss = THETA * (1 - eps) / KMAX;
            assertEquals(NeuronMath.NONE, NeuronMath.crossing(0, wMiss, TM, TS, THETA, 1.0), "eps " + eps + ": below threshold");
            SpikeEvents in = SpikeEvents.of(1, new double[] {0.0}, new int[] {0});
            assertEquals(0, EventPropSimulator.simulate(HandCheckTest.oneNeuron(TM, TS, THETA, wMiss), in, 0.1).spikeCount(), "simulator, near miss");
            ForwardTrace hit = EventPropSimulator.simulate(HandCheckTest.oneNeuron(TM, TS, THETA, w), in, 0.1);
            assertEquals(1, hit.spikeCount(), "simulator, near-tangential hit");
            assertEquals(d, hit.spikeTime(0), 0.0);
        }
    }


    @Test
    void exactlyTangentIsNoSpike() {
        // V(d) = theta exactly at a maximum (theta chosen as the computed maximum): no crossing (H(0) = 0)
        double vmax = NeuronMath.voltage(PEAK, 0, 1.0, TM, TS);
        assertEquals(NeuronMath.NONE, NeuronMath.crossing(0, 1.0, TM, TS, vmax, 1.0));
    }

    @Test
    void crossingBeyondTheHorizonIsNotReported() {
        double w = 2 * THETA / KMAX;
        double d = NeuronMath.crossing(0, w, TM, TS, THETA, 1.0);
        assertTrue(d > 0 && d < PEAK);
        assertEquals(NeuronMath.NONE, NeuronMath.crossing(0, w, TM, TS, THETA, 0.5 * d));
        assertEquals(d, NeuronMath.crossing(0, w, TM, TS, THETA, 2 * d));
    }

    @Test
    void guardClampsTinyVdotAndCounts() {
        double w = THETA * (1 + 1e-9) / KMAX;
        SpikeEvents in = SpikeEvents.of(1, new double[] {0.0}, new int[] {0});
        EventPropModel m = HandCheckTest.oneNeuron(TM, TS, THETA, w);
        // default floor (1e-6 theta/tau_mem = 5e-5 /s): this crossing's Vdot (~5e-3 /s) passes unclamped
        EventProp exact = new EventProp(0.1);
        EventProp.Result r = exact.run(m, in, 0, HandCheckTest.FIRST_SPIKE_TIME);
        assertEquals(1, r.trace().spikeCount());
        double vdot = (r.trace().spikeCurrent(0) - THETA) / TM;
        assertEquals(0, r.gradients().clampedSpikes());
        assertEquals(0, exact.clampedSpikes());
        // dt/dw = -(dV/dw)/Vdot = -(V/w)/Vdot = -(theta/w)/Vdot  (implicit function theorem)
        assertEquals(-(THETA / w) / vdot, r.gradients().weight(0)[0], 1e-9 * Math.abs(1 / vdot));
        // a floor above that Vdot clamps it, counts it, and gives the clamped value exactly
        double rel = 1e-3, floor = rel * THETA / TM;
        assertTrue(vdot < floor);
        EventProp guarded = new EventProp(0.1, rel);
        EventProp.Result g = guarded.run(m, in, 0, HandCheckTest.FIRST_SPIKE_TIME);
        assertEquals(1, g.gradients().clampedSpikes());
        assertEquals(1, guarded.clampedSpikes());
        guarded.run(m, in, 0, HandCheckTest.FIRST_SPIKE_TIME);
        assertEquals(2, guarded.clampedSpikes(), "the counter accumulates over runs");
        assertEquals(-(THETA / w) / floor, g.gradients().weight(0)[0], 1e-12 * Math.abs(1 / floor));
        System.out.printf("guard: Vdot^- = %.3e /s, floor %.3e /s, dt/dw exact %.4e, clamped %.4e%n",
                vdot, floor, r.gradients().weight(0)[0], g.gradients().weight(0)[0]);
    }
}
