package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifParams;
import io.spikegrad.data.Dataset;
import io.spikegrad.data.YinYang;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import io.spikegrad.train.LrSchedule;
import io.spikegrad.train.Optimizer;
import io.spikegrad.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link EventPropTrainer}: the silent-neuron rule bumps the lowest layer that is too quiet and
 * only that one; the native kernel and the Java reference train the same network to the same
 * numbers; what the kernel cannot run is refused up front.
 */
class EventPropTrainerTest {
    static final double T = 60e-3;
    static final LifParams P = LifParams.of(20e-3, 5e-3, 1.0);

    static Network yinYangNet(double hiddenMean, double outMean, long seed) {
        return Network.builder().input(YinYang.CHANNELS)
                .lif("hidden", 30, P).weights(Init.normal(hiddenMean, 0.1))
                .lif("out", 3, P).weights(Init.normal(outMean, 0.1))
                .build(seed);
    }

    static Dataset small(int n) {
        return YinYang.train().slice(0, n);
    }

    /** Runs one epoch of one batch with lr ~ 0 (Adam moves each weight by about lr) and returns the weight change. */
    static float[][] oneStep(Network net, double hiddenMissing, double outputMissing, double bump, boolean useNative) {
        float[][] before = {net.layer("hidden").weight().value().clone(), net.layer("out").weight().value().clone()};
        EventPropTrainer.Options o = new EventPropTrainer.Options(32, 1, 0, LrSchedule.constant(), hiddenMissing, outputMissing, bump, 0);
        try (EventPropTrainer t = new EventPropTrainer(net, T, EventLosses.firstSpikeCrossEntropy(), Optimizer.adam(1e-9), o, 1, useNative)) {
            t.trainEpoch(small(32), 0, null);
        }
        float[] h = net.layer("hidden").weight().value(), out = net.layer("out").weight().value();
        float[][] d = {new float[h.length], new float[out.length]};
        for (int k = 0; k < h.length; k++) d[0][k] = h[k] - before[0][k];
        for (int k = 0; k < out.length; k++) d[1][k] = out[k] - before[1][k];
        return d;
    }

    static double meanChange(float[] d) {
        double s = 0;
        for (float x : d) s += x;
        return s / d.length;
    }

    @Test
    void silentHiddenLayerIsBumpedFirstThenTheOutput() {
        // a silent hidden layer (tiny weights): bumped, the output not, although it is silent too
        float[][] d = oneStep(yinYangNet(0.01, 0.5, 1), 0.15, 0.0, 1e-3, true);
        assertEquals(1e-3, meanChange(d[0]), 1e-5, "hidden weights bumped");
        assertEquals(0.0, meanChange(d[1]), 1e-5, "output left alone while the hidden layer is too quiet");
        // hidden rule off (ratio 1): the silent output is bumped instead
        d = oneStep(yinYangNet(0.01, 0.5, 1), 1.0, 0.0, 1e-3, true);
        assertEquals(0.0, meanChange(d[0]), 1e-5);
        assertEquals(1e-3, meanChange(d[1]), 1e-5, "output weights bumped");
        // an active network within its allowed ratios: nothing is bumped
        d = oneStep(yinYangNet(1.5, 0.93, 1), 1.0, 1.0, 1e-3, true);
        assertEquals(0.0, meanChange(d[0]), 1e-5);
        assertEquals(0.0, meanChange(d[1]), 1e-5);
    }

    @Test
    void activityIsReported() {
        Network net = yinYangNet(0.01, 0.5, 1);
        EventPropTrainer.Options o = new EventPropTrainer.Options(16, 1, 0, LrSchedule.constant(), 0.15, 0.0, 1e-3, 0);
        try (EventPropTrainer t = new EventPropTrainer(net, T, EventLosses.firstSpikeCrossEntropy(), Optimizer.adam(1e-9), o, 1, true)) {
            t.trainEpoch(small(32), 0, null);
            EventPropTrainer.Activity a = t.lastActivity();
            assertEquals(1.0, a.missing()[0], 1e-12, "every hidden neuron silent");
            assertEquals(1.0, a.missing()[1], 1e-12);
            assertArrayEquals(new int[] {2, 0}, a.bumps());
            assertEquals(32, a.silentLabels());
            Trainer.Metrics m = t.evaluate(small(32));
            assertEquals(0.0, m.accuracy(), "a silent label neuron is wrong");
        }
    }

    /** Also with the per-sample gradient limit, which both paths must apply alike. */
    @Test
    void nativeAndReferenceTrainTheSame() {
        Network a = yinYangNet(1.5, 0.93, 7), b = a.copy();
        EventPropTrainer.Options o = new EventPropTrainer.Options(32, 3, 0, LrSchedule.step(1, 0.9), 1.0, 0.15, 1e-4, 0.5);
        List<Trainer.Metrics> ma = new ArrayList<>(), mb = new ArrayList<>();
        try (EventPropTrainer ta = new EventPropTrainer(a, T, EventLosses.firstSpikeCrossEntropy(), Optimizer.adam(1e-2), o, 2, true);
             EventPropTrainer tb = new EventPropTrainer(b, T, EventLosses.firstSpikeCrossEntropy(), Optimizer.adam(1e-2), o, 2, false)) {
            for (int e = 0; e < 2; e++) {
                ma.add(ta.trainEpoch(small(128), e, null));
                mb.add(tb.trainEpoch(small(128), e, null));
                assertEquals(tb.lastActivity().clippedSamples(), ta.lastActivity().clippedSamples(), "epoch " + e);
                assertTrue(ta.lastActivity().clippedSamples() > 0, "some samples clipped in epoch " + e);
                assertTrue(ta.lastActivity().clippedSamples() < 128, "not every sample clipped in epoch " + e);
            }
            ma.add(ta.evaluate(YinYang.validation()));
            mb.add(tb.evaluate(YinYang.validation()));
            assertEquals(ta.lastStoredBytesPerSample(), tb.lastStoredBytesPerSample(), 1e-9);
        }
        for (int i = 0; i < ma.size(); i++) {
            assertEquals(mb.get(i).loss(), ma.get(i).loss(), 1e-6 * Math.abs(mb.get(i).loss()), "step " + i);
            assertEquals(mb.get(i).accuracy(), ma.get(i).accuracy(), 1e-12, "step " + i);
        }
        // weights after 8 Adam steps: float32 rounding of the gradients may differ in the last bit
        float[] wa = a.layer("hidden").weight().value(), wb = b.layer("hidden").weight().value();
        for (int k = 0; k < wa.length; k++) assertEquals(wb[k], wa[k], 1e-5, "hidden weight " + k);
    }

    @Test
    void refusesWhatTheKernelCannotRun() {
        Network biased = Network.builder().input(3).lif("h", 4, P).withBias().lif("out", 2, P).build(1);
        EventPropTrainer.Options o = new EventPropTrainer.Options(2, 1, 0, LrSchedule.constant(), 1, 0.15, 1e-4, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EventPropTrainer(biased, T, EventLosses.firstSpikeCrossEntropy(), Optimizer.adam(1e-3), o, 1, true));
        assertTrue(e.getMessage().contains("bias"), e.getMessage());
        Network spiking = Network.builder().input(3).lif("h", 4, P).lif("out", 2, P).build(1);
        e = assertThrows(IllegalArgumentException.class,
                () -> new EventPropTrainer(spiking, T, EventLosses.maxVoltageCrossEntropy(), Optimizer.adam(1e-3), o, 1, true));
        assertTrue(e.getMessage().contains("MAX_VOLTAGE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EventPropTrainer.Options(2, 1, 0, LrSchedule.constant(), 1.5, 0.15, 1e-4, 0));
    }
}
