package io.spikegrad.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifParams;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetworkTest {

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Network a = net(3), b = net(3), c = net(4);
        assertArrayEquals(a.parameter("h.weight").value(), b.parameter("h.weight").value());
        assertArrayEquals(a.parameter("h.recurrent").value(), b.parameter("h.recurrent").value());
        assertTrue(a.parameter("h.weight").value()[0] != c.parameter("h.weight").value()[0]);
    }

    @Test
    void shapesAndParametersFollowTheDefinition() {
        Network n = net(1);
        assertArrayEquals(new int[] {5, 20}, n.parameter("h.weight").shape());
        assertArrayEquals(new int[] {20, 20}, n.parameter("h.recurrent").shape());
        assertArrayEquals(new int[] {20}, n.parameter("h.bias").shape());
        assertArrayEquals(new int[] {20, 3}, n.parameter("out.weight").shape());
        assertEquals(3, n.outputs());
        assertEquals(20, n.spikingNeurons());
        assertEquals(0.02f, n.parameter("h.tau_mem").value()[7], 0f);
        assertTrue(!n.parameter("h.tau_mem").learnable() && n.parameter("h.weight").learnable());
        Network copy = n.copy();
        copy.parameter("h.weight").value()[0] += 1;
        assertTrue(copy.parameter("h.weight").value()[0] != n.parameter("h.weight").value()[0], "copy must be deep");
    }

    @Test
    void spectralRadiusInitHitsItsTarget() {
        float[] w = new float[60 * 60];
        Init.spectralRadius(0.8).fill(w, 60, 60, new SplittableRandom(5));
        double r = SpectralRadius.estimate(w, 60, new SplittableRandom(9));
        assertEquals(0.8, r, 0.04);
        // a diagonal matrix has its largest |entry| as spectral radius
        float[] d = new float[9];
        d[0] = 0.5f;
        d[4] = -2f;
        d[8] = 1f;
        assertEquals(2.0, SpectralRadius.estimate(d, 3, new SplittableRandom(1)), 1e-6);
    }

    @Test
    void badDefinitionsAreExplained() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Network.builder().input(2)
                .readout("r", 3).lif("h", 4, LifParams.of(0.02, 0.005, 1)).build(1));
        assertTrue(e.getMessage().contains("must be the last layer"), e.getMessage());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> Network.builder().input(2)
                .lif("h", 4, LifParams.of(0.02, 0.005, 1)).lif("h", 4, LifParams.of(0.02, 0.005, 1)));
        assertTrue(dup.getMessage().contains("duplicate layer name"), dup.getMessage());
        IllegalArgumentException tau = assertThrows(IllegalArgumentException.class, () -> LifParams.of(-0.02, 0.005, 1));
        assertTrue(tau.getMessage().startsWith("tauMem (seconds) must be finite and > 0"), tau.getMessage());
        IllegalArgumentException dt = assertThrows(IllegalArgumentException.class, () -> LifParams.decay("tau_mem", 0.001, 0.002));
        assertTrue(dt.getMessage().startsWith("dt must satisfy 0 < dt < tau_mem"), dt.getMessage());
    }

    private static Network net(long seed) {
        return Network.builder().input(5)
                .recurrentLif("h", 20, LifParams.of(0.02, 0.005, 1.0)).weights(Init.normal(1, 0.5)).withBias()
                .readout("out", 3).weights(Init.uniform(-1, 1))
                .build(seed);
    }
}
