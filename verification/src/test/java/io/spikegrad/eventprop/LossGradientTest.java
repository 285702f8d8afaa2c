package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifParams;
import io.spikegrad.data.SpikeEvents;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every loss of {@link EventLosses} on a small 2-layer network with random input spikes:
 * EventProp's gradients (weights of both layers and LIF thresholds) match central differences.
 */
class LossGradientTest {
    static final double T = 60e-3;
    static final LifParams P = LifParams.of(20e-3, 5e-3, 1.0);

    static Network spikingOutput(long seed) {
        return Network.builder().input(6)
                .lif("hidden", 10, P).weights(Init.normal(1.2, 1.0))
                .lif("out", 3, P).weights(Init.normal(0.9, 0.8))
                .build(seed);
    }

    static Network readout(long seed, int outputs) {
        return Network.builder().input(6)
                .lif("hidden", 10, P).weights(Init.normal(1.2, 1.0))
                .readout("out", outputs, LifParams.of(15e-3, 4e-3, 1.0)).weights(Init.normal(0.2, 1.0))
                .build(seed);
    }

    static SpikeEvents input(long seed) {
        return Fd.uniform(6, 3, 0, 30e-3, seed);
    }

    /** Runs the FD sweep over every weight and LIF threshold; returns the report after asserting it. */
    static Fd.Report check(String what, Network net, SpikeEvents in, int label, EventLoss loss) {
        EventPropModel model = EventPropModel.of(net);
        EventProp ep = new EventProp(T);
        EventProp.Result r = ep.run(model, in, label, loss);
        double h = 1e-6;
        Fd.Problem p = new Fd.Problem(model, in, label, loss, ep);
        List<Fd.Entry> all = new ArrayList<>();
        for (int l = 0; l < model.layerCount(); l++) {
            final int ll = l;
            all.addAll(Fd.sweep(p, "w" + l, m -> m.layer(ll).weight(), r.gradients().weight(l), h));
            if (model.layer(l).spiking()) all.addAll(Fd.sweep(p, "theta" + l, m -> m.layer(ll).threshold(), r.gradients().threshold(l), h));
        }
        Fd.Report rep = new Fd.Report(all);
        double gmax = all.stream().mapToDouble(e -> Math.abs(e.fd())).max().orElse(0);
        System.out.printf("%-22s L = %.6f, spikes %s, %d/%d compared (%d count, %d order changes), max rel dev %.3e (|g| >= 1e-4 max), "
                        + "max |dev|/max|g| %.3e, max|g| %.3e%n",
                what, r.loss(), Arrays.toString(r.trace().spikeCounts()), rep.checked(), all.size(), rep.countsChanged(),
                rep.orderChanged(), rep.maxRelDev(1e-4), rep.maxAbsDevOverMax(), gmax);
        assertEquals(0, r.gradients().clampedSpikes());
        assertTrue(rep.checked() >= 0.8 * all.size(), what + ": too few entries checked: " + rep.checked() + "/" + all.size());
        assertTrue(rep.maxRelDev(1e-4) <= 1e-5, what + ": max relative deviation " + rep.maxRelDev(1e-4) + " at " + rep.worst(1e-4));
        assertTrue(rep.maxAbsDevOverMax() <= 1e-7, what + ": max |dev| / max |grad| = " + rep.maxAbsDevOverMax());
        return rep;
    }

    @Test
    void firstSpikeCrossEntropy() {
        Network net = spikingOutput(3);
        SpikeEvents in = input(4);
        EventPropModel m = EventPropModel.of(net);
        ForwardTrace tr = EventPropSimulator.simulate(m, in, T);
        for (int c = 0; c < 3; c++) assertTrue(tr.spikeCount(m.offset(1) + c) >= 1, "output " + c + " should spike");
        // later defaults, and the paper's first parametrisation (xi 0.4, beta 2, alpha 1e-2, tau_syn 5 ms)
        for (int label = 0; label < 3; label++) check("first-spike label " + label, net, in, label, EventLosses.firstSpikeCrossEntropy());
        check("first-spike paper", net, in, 1, EventLosses.firstSpikeCrossEntropyPaper(0.4, 2, 1e-2, 5e-3));
    }

    /** A silent non-label output leaves the softmax; the gradients still match central differences. */
    @Test
    void firstSpikeCrossEntropyWithSilentOutput() {
        Network net = silencedOutput2();
        SpikeEvents in = input(4);
        EventPropModel m = EventPropModel.of(net);
        ForwardTrace tr = EventPropSimulator.simulate(m, in, T);
        assertEquals(0, tr.spikeCount(m.offset(1) + 2), "output 2 should be silent");
        check("first-spike silent", net, in, 0, EventLosses.firstSpikeCrossEntropy());
        EventProp.Result r = new EventProp(T).run(m, in, 0, EventLosses.firstSpikeCrossEntropy());
        for (int j = 0; j < 10; j++) assertEquals(0.0, r.gradients().weight(1)[j * 3 + 2], "no gradient into the silent neuron's weights");
        // the loss is eq. (35) over the two outputs that spiked
        double t0 = tr.spikeTime(tr.firstSpike(m.offset(1))), t1 = tr.spikeTime(tr.firstSpike(m.offset(1) + 1));
        double tau0 = 0.5e-3, tau1 = 6.4e-3, alpha = 0.003;
        double expected = -Math.log(Math.exp(-t0 / tau0) / (Math.exp(-t0 / tau0) + Math.exp(-t1 / tau0))) + alpha * (Math.exp(t0 / tau1) - 1);
        assertEquals(expected, r.loss(), 1e-9 * expected);
    }

    /** A silent label neuron: the documented constant loss and no gradient at all. */
    @Test
    void firstSpikeCrossEntropyWithSilentLabel() {
        Network net = silencedOutput2();
        EventPropModel m = EventPropModel.of(net);
        EventProp.Result r = new EventProp(T).run(m, input(4), 2, EventLosses.firstSpikeCrossEntropy());
        assertEquals(Math.log(3), r.loss(), 1e-15);
        for (int l = 0; l < 2; l++) for (double g : r.gradients().weight(l)) assertEquals(0.0, g);
        assertTrue(!EventLosses.firstSpikeCrossEntropy().correct(m, r.trace(), 2), "a silent label neuron is wrong");
    }

    static Network silencedOutput2() {
        Network net = spikingOutput(3);
        for (int j = 0; j < 10; j++) net.layer("out").weight().value()[j * 3 + 2] = -1f;
        return net;
    }

    @Test
    void maxVoltageCrossEntropyIncludingKinkMaxima() {
        Network net = readout(8, 6);
        SpikeEvents in = input(9);
        EventPropModel m = EventPropModel.of(net);
        ForwardTrace tr = EventPropSimulator.simulate(m, in, T);
        int kinks = 0, smooth = 0;
        for (int c = 0; c < 6; c++) {
            if (tr.argmaxSpike(c) >= 0) kinks++;
            else if (tr.argmaxSpike(c) == ForwardTrace.SMOOTH) smooth++;
        }
        System.out.printf("max-voltage: %d readout maxima at a kink (spike arrival), %d smooth%n", kinks, smooth);
        assertTrue(kinks >= 1 && smooth >= 1, "want both kinds of maximum, got " + kinks + " kinks, " + smooth + " smooth");
        check("max-voltage", net, in, 4, EventLosses.maxVoltageCrossEntropy());
    }

    @Test
    void meanVoltageCrossEntropy() {
        check("mean-voltage", readout(8, 3), input(9), 1, EventLosses.meanVoltageCrossEntropy());
    }

    @Test
    void spikeCountCrossEntropyHasZeroExactGradient() {
        Network net = spikingOutput(3);
        SpikeEvents in = input(4);
        EventPropModel m = EventPropModel.of(net);
        EventProp.Result r = new EventProp(T).run(m, in, 0, EventLosses.spikeCountCrossEntropy());
        double[] z = new double[3];
        for (int c = 0; c < 3; c++) z[c] = r.trace().spikeCount(m.offset(1) + c);
        double max = Arrays.stream(z).max().getAsDouble(), s = 0;
        for (double v : z) s += Math.exp(v - max);
        assertEquals(-(z[0] - max - Math.log(s)), r.loss(), 1e-12);
        for (int l = 0; l < 2; l++) {
            for (double g : r.gradients().weight(l)) assertEquals(0.0, g);
            for (double g : r.gradients().threshold(l)) assertEquals(0.0, g);
        }
        // and the finite differences agree: counts do not move for small steps
        Fd.Report rep = check("spike-count", net, in, 0, EventLosses.spikeCountCrossEntropy());
        for (Fd.Entry e : rep.entries()) if (e.checked()) assertEquals(0.0, e.fd());
    }
}
