package io.spikegrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.spikegrad.LifParams;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerTest {

    private static Network tiny() {
        return Network.builder().input(1).readout("out", 2, LifParams.of(0.02, 0.005, 1))
                .values(new float[] {1f, -1f}, null, null).build(1);
    }

    @Test
    void adamFirstStepMovesEachWeightByTheLearningRate() {
        Network n = tiny();
        Parameter w = n.parameter("out.weight");
        w.grad()[0] = 3f;
        w.grad()[1] = -0.001f;
        Optimizer.adam(0.1).step(n.parameters(), 0.1);
        // bias-corrected first step: m/(sqrt(v)+eps) = sign(g) (up to eps)
        assertEquals(1f - 0.1f, w.value()[0], 1e-5f);
        assertEquals(-1f + 0.1f, w.value()[1], 1e-4f);
        assertEquals(0.02f, n.parameter("out.tau_mem").value()[0], 0f, "non-learnable parameters stay");
    }

    @Test
    void sgdMomentumAccumulates() {
        Network n = tiny();
        Parameter w = n.parameter("out.weight");
        Optimizer sgd = Optimizer.sgd(0.5, 0.9);
        w.grad()[0] = 1f;
        sgd.step(n.parameters(), 0.5);    // b = 1,    w = 1 - 0.5
        sgd.step(n.parameters(), 0.5);    // b = 1.9,  w = 0.5 - 0.95
        assertEquals(1f - 0.5f - 0.95f, w.value()[0], 1e-6f);
    }

    @Test
    void adamStateRoundTripsExactly() {
        Network a = tiny(), b = tiny();
        Optimizer oa = Optimizer.adam(0.01), ob = Optimizer.adam(0.01);
        for (int k = 0; k < 3; k++) {
            a.parameter("out.weight").grad()[0] = k + 0.5f;
            oa.step(a.parameters(), 0.01);
        }
        b.parameter("out.weight").value()[0] = a.parameter("out.weight").value()[0];
        b.parameter("out.weight").value()[1] = a.parameter("out.weight").value()[1];
        ob.load(oa.state());
        a.parameter("out.weight").grad()[0] = 2f;
        b.parameter("out.weight").grad()[0] = 2f;
        oa.step(a.parameters(), 0.01);
        ob.step(b.parameters(), 0.01);
        assertArrayEquals(a.parameter("out.weight").value(), b.parameter("out.weight").value());
    }

    @Test
    void clippingScalesToTheLimitAndRefusesNaN() {
        Network n = tiny();
        List<Parameter> p = n.parameters();
        n.parameter("out.weight").grad()[0] = 3f;
        n.parameter("out.weight").grad()[1] = 4f;
        assertEquals(5.0, GradClip.clip(p, 1.0), 1e-12);
        assertEquals(1.0, GradClip.globalNorm(p), 1e-6);
        n.parameter("out.weight").grad()[0] = Float.NaN;
        assertThrows(ArithmeticException.class, () -> GradClip.clip(p, 1.0));
    }

    @Test
    void schedules() {
        assertEquals(0.95 * 0.95, LrSchedule.step(5, 0.95).factor(12), 1e-12);
        assertEquals(1.0, LrSchedule.cosine(10, 0.01).factor(0), 1e-12);
        assertEquals(0.505, LrSchedule.cosine(10, 0.01).factor(5), 1e-12);
        assertEquals(0.01, LrSchedule.cosine(10, 0.01).factor(10), 1e-12);
    }

    @Test
    void shuffleIsAPermutationDeterminedBySeedAndEpoch() {
        int[] a = Trainer.order(100, 7, 3), b = Trainer.order(100, 7, 3), c = Trainer.order(100, 7, 4);
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) assertEquals(i, sorted[i]);
        assertEquals(false, java.util.Arrays.equals(a, c));
    }

    @Test
    void initRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Init.normal(0, -1));
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(1, 0));
    }
}
