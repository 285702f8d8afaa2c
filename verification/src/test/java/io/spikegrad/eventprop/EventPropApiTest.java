package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifParams;
import io.spikegrad.ResetMode;
import io.spikegrad.data.Dataset;
import io.spikegrad.data.EventSample;
import io.spikegrad.data.YinYang;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Network-facing surface: what is refused, what lands in Parameter.grad(), the memory report. */
class EventPropApiTest {
    static final LifParams P = LifParams.of(20e-3, 5e-3, 1.0);

    static Network yinYangNet(long seed) {
        return Network.builder().input(YinYang.CHANNELS)
                .lif("hidden", 200, P).weights(Init.normal(1.5, 0.78))
                .lif("out", 3, P).weights(Init.normal(0.93, 0.1))
                .build(seed);
    }

    @Test
    void refusesWhatTheModelDoesNotHave() {
        Network bias = Network.builder().input(2).lif("h", 3, P).withBias().lif("o", 2, P).build(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventPropModel.of(bias));
        assertTrue(e.getMessage().contains("'h'") && e.getMessage().contains("bias"), e.getMessage());

        Network none = Network.builder().input(2).lif("h", 3, P.withReset(ResetMode.NONE)).build(1);
        e = assertThrows(IllegalArgumentException.class, () -> EventPropModel.of(none));
        assertTrue(e.getMessage().contains("NONE"), e.getMessage());
        // reset to 0 is reset by subtraction at a crossing: accepted
        EventPropModel.of(Network.builder().input(2).lif("h", 3, P.withResetTo(0.0)).build(1));

        Network negTheta = Network.builder().input(2).lif("h", 3, LifParams.of(20e-3, 5e-3, -1.0)).build(1);
        e = assertThrows(IllegalArgumentException.class, () -> EventPropModel.of(negTheta));
        assertTrue(e.getMessage().contains("threshold"), e.getMessage());

        Network learnTau = yinYangNet(1);
        learnTau.layer("hidden").tauMem().setLearnable(true);
        EventSample s = YinYang.generate(1, 3).get(0);
        e = assertThrows(IllegalArgumentException.class,
                () -> new EventProp(60e-3).lossAndGradient(learnTau, s, EventLosses.firstSpikeCrossEntropy()));
        assertTrue(e.getMessage().contains("time constants"), e.getMessage());

        Network readout = Network.builder().input(YinYang.CHANNELS).lif("h", 3, P).readout("o", 2).build(1);
        EventPropModel rm = EventPropModel.of(readout);
        e = assertThrows(IllegalArgumentException.class,
                () -> new EventProp(0.05).run(rm, s.events(), 0, EventLosses.firstSpikeCrossEntropy()));
        assertTrue(e.getMessage().contains("LIF"), e.getMessage());
        EventPropModel twoInputs = EventPropModel.of(Network.builder().input(2).lif("h", 3, P).build(1));
        e = assertThrows(IllegalArgumentException.class, () -> EventPropSimulator.simulate(twoInputs, s.events(), 0.05));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
    }

    @Test
    void gradientsLandInParametersAsTheBatchMean() {
        Network net = yinYangNet(4);
        Dataset data = YinYang.generate(4, 9);
        EventProp ep = new EventProp(60e-3);
        EventLoss loss = EventLosses.firstSpikeCrossEntropy();
        EventPropModel model = EventPropModel.of(net);
        double[] meanW0 = new double[model.layer(0).weight().length], meanW1 = new double[model.layer(1).weight().length];
        double[] meanTh = new double[200];
        double meanLoss = 0;
        for (EventSample s : data.samples()) {
            EventProp.Result r = ep.run(model, s.events(), s.label(), loss);
            meanLoss += r.loss() / data.size();
            for (int k = 0; k < meanW0.length; k++) meanW0[k] += r.gradients().weight(0)[k] / data.size();
            for (int k = 0; k < meanW1.length; k++) meanW1[k] += r.gradients().weight(1)[k] / data.size();
            for (int k = 0; k < 200; k++) meanTh[k] += r.gradients().threshold(0)[k] / data.size();
        }
        for (Parameter p : net.parameters()) java.util.Arrays.fill(p.grad(), 123f);   // must be overwritten
        double l = ep.lossAndGradient(net, data.samples(), loss);
        assertEquals(meanLoss, l, 1e-12 * Math.abs(meanLoss));
        assertClose(meanW0, net.layer("hidden").weight().grad());
        assertClose(meanW1, net.layer("out").weight().grad());
        assertClose(meanTh, net.layer("hidden").threshold().grad());
        for (float g : net.layer("hidden").tauMem().grad()) assertEquals(0f, g);
        for (float g : net.layer("out").tauSyn().grad()) assertEquals(0f, g);
        double norm = 0;
        for (float g : net.layer("out").weight().grad()) norm += g * g;
        assertTrue(norm > 0, "some gradient reaches the output weights");
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int k = 0; k < expected.length; k++) assertEquals((float) expected[k], actual[k], 1e-6f * (1 + Math.abs((float) expected[k])), "entry " + k);
    }

    /** Bytes the forward keeps for the backward on Yin-Yang-sized networks, against BPTT's T/dt x neurons. */
    @Test
    void memoryReport() {
        Dataset data = YinYang.generate(20, 5);
        double T = 60e-3, dt = 0.5e-3;
        long steps = Math.round(T / dt);
        for (boolean readout : new boolean[] {false, true}) {
            Network.Builder b = Network.builder().input(YinYang.CHANNELS).lif("hidden", 200, P).weights(Init.normal(1.5, 0.78));
            Network net = readout ? b.readout("out", 3).weights(Init.normal(0.2, 0.37)).build(2)
                    : b.lif("out", 3, P).weights(Init.normal(0.93, 0.1)).build(2);
            EventPropModel m = EventPropModel.of(net);
            long bytes = 0, spikes = 0;
            for (EventSample s : data.samples()) {
                ForwardTrace tr = EventPropSimulator.simulate(m, s.events(), T);
                assertEquals(20L * tr.spikeCount() + (readout ? 36L * 3 : 0), tr.storedBytesForBackward());
                bytes += tr.storedBytesForBackward();
                spikes += tr.spikeCount();
            }
            long bptt = steps * 203 * 4;       // one float32 [T][N] tensor per sample
            System.out.printf("memory (5-200-3 %s, T = 60 ms): EventProp %.1f spikes, %d bytes per sample; "
                            + "BPTT at dt = 0.5 ms: %d steps x 203 neurons x 4 B = %d bytes per stored tensor%n",
                    readout ? "LI readout" : "LIF output", spikes / (double) data.size(), bytes / data.size(), steps, bptt);
            assertTrue(bytes / data.size() < bptt);
        }
    }
}
