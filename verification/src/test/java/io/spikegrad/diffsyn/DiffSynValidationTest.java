package io.spikegrad.diffsyn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.cpu.NativeDiffSyn;
import io.spikegrad.reference.DiffSynReference;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad arguments and runaway simulations fail loudly, the same way on both engines. */
class DiffSynValidationTest {
    static final List<DiffSynEngine> ENGINES = List.of(new DiffSynReference(), new NativeDiffSyn(2));

    static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void argumentsAreCheckedFirstAndNamed() {
        DiffSynCases.Case c = DiffSynCases.make(DiffSynNeuron.NIF, DiffSynGate.BOX, 4, 20, 2, true, false, 3);
        DiffSynModel m = c.model();
        DiffSynParams p = c.params();
        DiffSynBatch b = c.batch();
        for (DiffSynEngine e : ENGINES) {
            String s = message(() -> e.run(m, new DiffSynParams(m, p.wFast(), null, new double[3], p.i0(), p.o()), b, DiffSynEngine.Request.LOSS));
            assertTrue(s.contains("u must have shape [N][D] = [4][2]"), s);
            s = message(() -> e.run(m, new DiffSynParams(m, p.wFast(), new double[16], p.u(), p.i0(), p.o()), b, DiffSynEngine.Request.LOSS));
            assertTrue(s.contains("wSlow must be null"), s);
            DiffSynParams nan = p.copy();
            nan.o()[5] = Double.NaN;
            s = message(() -> e.run(m, nan, b, DiffSynEngine.Request.LOSS));
            assertTrue(s.contains("o[5] = NaN must be finite"), s);
            double[] v0 = b.v0().clone();
            v0[3] = 1.0;
            s = message(() -> e.run(m, p, new DiffSynBatch(b.steps(), b.batch(), b.x(), b.target(), v0), DiffSynEngine.Request.LOSS));
            assertTrue(s.contains("v0[3] = 1.0 must lie in the NIF reset range (-1, 1)"), s);
            double[] x = b.x().clone();
            x[7] = Double.POSITIVE_INFINITY;
            s = message(() -> e.run(m, p, new DiffSynBatch(b.steps(), b.batch(), x, b.target(), b.v0()), DiffSynEngine.Request.LOSS));
            assertTrue(s.contains("x[7] = Infinity must be finite"), s);
            s = message(() -> e.run(m, p, new DiffSynBatch(b.steps() + 1, b.batch(), b.x(), b.target(), b.v0()), DiffSynEngine.Request.LOSS));
            assertTrue(s.contains("x must have shape [T][B][D] = [21][2][2]"), s);
            s = message(() -> e.run(m, p, new DiffSynBatch(b.steps(), b.batch(), b.x(), b.target(), b.v0(), new double[7]),
                    DiffSynEngine.Request.LOSS));
            assertTrue(s.contains("weight must have shape [T][B][R] = [20][2][2] = 80 values, got 7"), s);
            double[] w = new double[80];
            w[9] = -0.5;
            s = message(() -> e.run(m, p, new DiffSynBatch(b.steps(), b.batch(), b.x(), b.target(), b.v0(), w), DiffSynEngine.Request.LOSS));
            assertTrue(s.contains("weight[9] = -0.5 must be finite and >= 0"), s);
        }
        String s = message(() -> new DiffSynModel(DiffSynNeuron.QIF, DiffSynGate.BUMP, 1.0, 1, 1, 1, 1e-3, 0, 3, 1, 1, true, true));
        assertTrue(s.contains("width (gate zone Delta) must lie in (0, 1)"), s);
        s = message(() -> new DiffSynModel(DiffSynNeuron.QIF, DiffSynGate.BUMP, 0.2, 1, -1e-3, 1, 1e-3, 0, 3, 1, 1, true, true));
        assertTrue(s.contains("tauFast must be finite and > 0"), s);
    }

    @Test
    void runawayIsReportedWithSampleStepAndNeuronByBothEngines() {
        // A QIF neuron driven far past one spike per step (I = 1e5/s at dt = 1 ms) in sample 1, neuron 2.
        DiffSynModel m = new DiffSynModel(DiffSynNeuron.QIF, DiffSynGate.BUMP, 0.2, 25e-3, 5e-3, 20e-3, 1e-3, 0, 3, 1, 1, false, false);
        double[] u = {0, 0, 1};
        DiffSynParams p = new DiffSynParams(m, null, null, u, new double[] {-10, -10, -10}, new double[3]);
        int T = 50;
        double[] x = new double[T * 2];
        for (int k = 20; k < T; k++) x[k * 2 + 1] = 1e5;
        DiffSynBatch b = new DiffSynBatch(T, 2, x, new double[T * 2], new double[6]);
        int[] seen = null;
        for (DiffSynEngine e : ENGINES) {
            SimulationDivergedException d = assertThrows(SimulationDivergedException.class, () -> e.run(m, p, b, DiffSynEngine.Request.TRAIN));
            assertTrue(d.getMessage().contains("sample 1, step 20, neuron 2"), d.getMessage());
            int[] where = {d.sample(), d.step(), d.neuron()};
            if (seen != null) assertEquals(Arrays.toString(seen), Arrays.toString(where));
            seen = where;
        }
    }
}
