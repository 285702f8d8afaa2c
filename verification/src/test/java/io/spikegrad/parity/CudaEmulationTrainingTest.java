package io.spikegrad.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.LifParams;
import io.spikegrad.Surrogate;
import io.spikegrad.bptt.BpttSettings;
import io.spikegrad.cuda.CudaEmulationBackend;
import io.spikegrad.data.Binning;
import io.spikegrad.data.YinYang;
import io.spikegrad.loss.MaxMembraneCrossEntropy;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import io.spikegrad.train.BatchSource;
import io.spikegrad.train.DatasetBatches;
import io.spikegrad.train.LrSchedule;
import io.spikegrad.train.Optimizer;
import io.spikegrad.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Surrogate-BPTT training through the whole Java stack on the emulated CUDA kernels with
 * device-like memory (no host views: every tensor the engine, losses and optimiser touch goes
 * through copies, as on the GPU), against the same training on the CPU backend. Without a GPU
 * this is how "train --backend cuda" is checked end to end. The GEMMs differ (the emulation
 * accumulates in double, OpenBLAS in float), so losses agree to rounding, not bit for bit.
 */
class CudaEmulationTrainingTest {

    private static double[] train(Backend be, Network net, Surrogate surrogate) {
        BatchSource data = new DatasetBatches(YinYang.generate(96, 11), 1e-3, Binning.stepsFor(0.04, 1e-3));
        try (Trainer t = new Trainer(net, be, new BpttSettings(1e-3, surrogate, true, false),
                new MaxMembraneCrossEntropy(), Optimizer.adam(1e-2), new Trainer.Options(16, 5, 1.0, LrSchedule.constant()))) {
            t.engine().maskedProduct(true);  // the layers here are too narrow for the size rule to choose it
            Trainer.Metrics a = t.trainEpoch(data, 0, null), b = t.trainEpoch(data, 1, null);
            boolean[] masked = t.engine().lastMasked();  // after a training pass: which layers took the masked backward
            Trainer.Metrics e = t.evaluate(data);
            return new double[] {a.loss(), b.loss(), e.loss(), e.accuracy(), masked.length > 0 && masked[0] ? 1 : 0};
        }
    }

    /** "ff", "recurrent", or "deep" (two LIF layers: with the triangle surrogate the engine takes the masked backward). */
    private static Network net(String kind) {
        Network.Builder b = Network.builder().input(5);
        if (kind.equals("recurrent")) {
            b.recurrentLif("h", 40, LifParams.of(0.02, 0.005, 1)).weights(Init.normal(3, 1.5)).recurrentWeights(Init.normal(0, 0.1));
        } else {
            b.lif("h", 40, LifParams.of(0.02, 0.005, 1)).weights(Init.normal(3, 1.5));
        }
        if (kind.equals("deep")) b.lif("h2", 30, LifParams.of(0.02, 0.005, 1)).weights(Init.normal(0.6, 0.3));
        return b.readout("out", 3).weights(Init.normal(0, 1)).build(3);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ff", "recurrent", "deep"})
    void trainingOnEmulatedCudaMatchesCpu(String kind) {
        Network n1 = net(kind), n2 = net(kind);
        Surrogate surrogate = kind.equals("deep") ? Surrogate.triangle(0.1) : Surrogate.fastSigmoid(4);
        double[] cpu, emu;
        try (Backend be = Backends.create("cpu", 2)) {
            cpu = train(be, n1, surrogate);
        }
        try (Backend be = CudaEmulationBackend.withDeviceLikeMemory()) {
            try (io.spikegrad.Arena a = be.newArena()) {
                assertTrue(!a.allocate("probe", 1).onHost(), "device-like memory has no host view");
            }
            emu = train(be, n2, surrogate);
        }
        for (int k = 0; k < 3; k++) assertEquals(cpu[k], emu[k], 1e-4 * Math.abs(cpu[k]), "loss " + k);
        assertEquals(cpu[3], emu[3], 0.02, "accuracy");
        assertEquals(cpu[4], emu[4], "both took the same (masked or dense) backward into layer 0");
        if (kind.equals("deep")) assertEquals(1.0, emu[4], "a narrow triangle sends dL/dS of layer h through the masked kernels");
        float[] w1 = n1.parameter("h.weight").value(), w2 = n2.parameter("h.weight").value();
        double worst = 0, scale = 0;
        for (int k = 0; k < w1.length; k++) {
            worst = Math.max(worst, Math.abs(w1[k] - w2[k]));
            scale = Math.max(scale, Math.abs(w1[k]));
        }
        assertTrue(worst <= 1e-3 * scale, "h.weight after two epochs differs by " + worst + " (scale " + scale + ")");
        System.out.printf("training on emulated cuda (device-like memory), %s: losses %s vs cpu %s, max |dW| %.2e%n",
                kind, java.util.Arrays.toString(emu), java.util.Arrays.toString(cpu), worst);
    }
}
