package io.spikegrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.LifParams;
import io.spikegrad.Surrogate;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.data.Binning;
import io.spikegrad.data.YinYang;
import io.spikegrad.loss.MaxMembraneCrossEntropy;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static Trainer.Metrics[] train(long seed, int threads, Network net) {
        BatchSource data = new DatasetBatches(YinYang.generate(256, 11), 1e-3, Binning.stepsFor(0.05, 1e-3));
        try (Backend be = Backends.create("cpu", threads);
             Trainer t = new Trainer(net, be, new BpttSettings(1e-3, Surrogate.fastSigmoid(4), true, false),
                     new MaxMembraneCrossEntropy(), Optimizer.adam(1e-2), new Trainer.Options(16, seed, 1.0, LrSchedule.constant()))) {
            Trainer.Metrics a = t.trainEpoch(data, 0, null);
            Trainer.Metrics b = t.trainEpoch(data, 1, null);
            return new Trainer.Metrics[] {a, b, t.evaluate(data)};
        }
    }

    private static Network net() {
        return Network.builder().input(5).lif("h", 40, LifParams.of(0.02, 0.005, 1)).weights(Init.normal(3, 1.5))
                .readout("out", 3).weights(Init.normal(0, 1)).build(3);
    }

    @Test
    void sameSeedSameNumbersAndLearning() {
        Network n1 = net(), n2 = net(), n3 = net();
        Trainer.Metrics[] a = train(5, 2, n1), b = train(5, 2, n2), c = train(5, 1, n3);
        assertEquals(a[0].loss(), b[0].loss(), 0.0);
        assertEquals(a[2].loss(), b[2].loss(), 0.0);
        assertArrayEquals(n1.parameter("h.weight").value(), n2.parameter("h.weight").value());
        // the kernels' results do not depend on the thread count (fixed-order reductions)
        assertArrayEquals(n1.parameter("h.weight").value(), n3.parameter("h.weight").value());
        assertTrue(a[1].loss() < a[0].loss(), "the second epoch must improve on the first: " + a[0].loss() + " -> " + a[1].loss());
    }
}
