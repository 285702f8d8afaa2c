package io.spikegrad.diffsyn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.cpu.NativeDiffSyn;
import io.spikegrad.reference.DiffSynReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Small runs whose outcome follows from the model by hand: a single neuron with a constant drive,
 * the slow synapse read out directly (O = 1), on both engines.
 */
class DiffSynHandCheckTest {

    /** Total charge delivered over the run, recovered exactly from the readout s_slow:
     *  sum_k s[k+1] = a sum_k s[k] + b C with s[0] = 0 gives C = dt (sum_{k=1..T} s[k] + a s[T]/(1 - a)). */
    static double charge(DiffSynModel m, double[] readout) {
        double a = Math.exp(-m.dt() / m.tauSlow()), sum = 0;
        for (double s : readout) sum += s;
        return m.dt() * (sum + a * readout[readout.length - 1] / (1 - a));
    }

    static DiffSynResult single(DiffSynEngine e, DiffSynNeuron n, DiffSynGate g, double current, double v0, int steps, double dt) {
        DiffSynModel m = new DiffSynModel(n, g, 0.3, 20e-3, 1e-3, 10e-3, dt, 0, 1, 1, 1, false, false);
        DiffSynParams p = new DiffSynParams(m, null, null, new double[] {0}, new double[] {current}, new double[] {1});
        return e.run(m, p, new DiffSynBatch(steps, 1, new double[steps], new double[steps], new double[] {v0}),
                new DiffSynEngine.Request(false, true, true));
    }

    @Test
    void everyCrossingDeliversUnitChargeWhateverTheDepolarisationRate() {
        double dt = 1e-4;
        for (DiffSynEngine e : List.of(new DiffSynReference(), new NativeDiffSyn(1)))
            for (DiffSynGate g : DiffSynGate.values()) {
                // NIF from v = 0 at 50/s and at 400/s: 3.5 threshold distances, ending at v = 0.5 outside the zone
                DiffSynResult slow = single(e, DiffSynNeuron.NIF, g, 50, 0, 700, dt);
                DiffSynResult fast = single(e, DiffSynNeuron.NIF, g, 400, 0, 88, dt);
                DiffSynModel m = new DiffSynModel(DiffSynNeuron.NIF, g, 0.3, 20e-3, 1e-3, 10e-3, dt, 0, 1, 1, 1, false, false);
                String at = e.name() + " " + g;
                assertEquals(3, slow.spikeCounts()[0], at);
                assertEquals(3, fast.spikeCounts()[0], at);
                assertEquals(3.0, charge(m, slow.readout()), 1e-9, at + ": charge at 50/s");
                assertEquals(3.0, charge(m, fast.readout()), 1e-9, at + ": charge at 400/s");
                // the lower threshold gives negative responses of the same size
                DiffSynResult down = single(e, DiffSynNeuron.NIF, g, -50, 0, 700, dt);
                assertEquals(3, down.spikeCounts()[0], at);
                assertEquals(-3.0, charge(m, down.readout()), 1e-9, at + ": charge falling through -1");
                int neg = 0;
                for (byte s : down.spikes()) neg += s < 0 ? 1 : 0;
                assertEquals(3, neg, at + ": raster marks the crossings of -1 as -1");
            }
    }

    @Test
    void depolarisationInsideTheZoneGivesAGradedResponse() {
        // LIF with tau_v 20 ms driven at 42.5/s settles at v = 0.85, inside the zone [0.7, 1): no spike, and the
        // charge is G(v_T) - G(0) = (0.85 - 0.7)/0.3 = 0.5 for the box gate (v_T within 1e-9 of 0.85 after 2 s)
        DiffSynModel m = new DiffSynModel(DiffSynNeuron.LIF, DiffSynGate.BOX, 0.3, 20e-3, 1e-3, 10e-3, 1e-4, 0, 1, 1, 1, false, false);
        for (DiffSynEngine e : List.of(new DiffSynReference(), new NativeDiffSyn(1))) {
            DiffSynResult r = single(e, DiffSynNeuron.LIF, DiffSynGate.BOX, 42.5, 0, 20_000, 1e-4);
            assertEquals(0, r.spikeCounts()[0], e.name());
            assertEquals(0.5, charge(m, r.readout()), 1e-7, e.name() + ": graded charge");
        }
    }

    @Test
    void errorWeightsScaleEachStepsSquaredError() {
        // One NIF neuron at 400/s read out directly (O = 1, lambda 0), target 0.5: with weights w_k the loss is
        // (1/T) sum_k w_k (o_k - 0.5)^2 / 2 and dL/dO = (1/T) sum_k w_k (o_k - 0.5) s_k, with s_k = o_k here.
        int T = 300;
        DiffSynModel m = new DiffSynModel(DiffSynNeuron.NIF, DiffSynGate.BUMP, 0.3, 20e-3, 1e-3, 10e-3, 1e-4, 0, 1, 1, 1, false, false);
        DiffSynParams p = new DiffSynParams(m, null, null, new double[] {0}, new double[] {400}, new double[] {1});
        double[] target = new double[T], ones = new double[T], w = new double[T];
        java.util.Arrays.fill(target, 0.5);
        java.util.Arrays.fill(ones, 1);
        for (int k = 0; k < T; k++) w[k] = k % 3 == 0 ? 0 : (k % 3 == 1 ? 1 : 7.5);
        DiffSynEngine.Request all = new DiffSynEngine.Request(true, true, false);
        for (DiffSynEngine e : List.of(new DiffSynReference(), new NativeDiffSyn(1))) {
            DiffSynResult plain = e.run(m, p, new DiffSynBatch(T, 1, new double[T], target, new double[] {0}), all);
            DiffSynResult one = e.run(m, p, new DiffSynBatch(T, 1, new double[T], target, new double[] {0}, ones), all);
            DiffSynResult weighted = e.run(m, p, new DiffSynBatch(T, 1, new double[T], target, new double[] {0}, w), all);
            assertEquals(plain.loss(), one.loss(), 0.0, e.name() + ": weights of 1 are the paper's cost");
            for (DiffSynParams.Group g : plain.gradient().groups())
                assertArrayEquals(g.values(), one.gradient().group(g.name()), 0.0, e.name() + " " + g.name());
            double loss = 0, gO = 0;
            for (int k = 0; k < T; k++) {
                double o = weighted.readout()[k], err = o - 0.5;
                loss += w[k] * err * err / (2 * T);
                gO += w[k] * err * o / T;
            }
            assertTrue(weighted.totalSpikes() >= 10, e.name() + " should spike");
            assertEquals(loss, weighted.loss(), 1e-12 * loss, e.name() + ": weighted loss");
            assertEquals(gO, weighted.gradient().o()[0], 1e-12 * Math.abs(gO), e.name() + ": weighted dL/dO");
            assertTrue(Math.abs(weighted.loss() - plain.loss()) > 1e-3 * plain.loss(), e.name() + ": the weights must change the loss");
        }
    }
}
