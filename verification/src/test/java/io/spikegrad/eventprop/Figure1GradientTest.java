package io.spikegrad.eventprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikegrad.LifParams;
import io.spikegrad.data.SpikeEvents;
import io.spikegrad.net.Init;
import io.spikegrad.net.Network;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The paper's figure 1: an upper LIF neuron fed 100 Poisson trains at 200 Hz, connected by one
 * weight w to a lower LIF neuron; L = sum of the lower neuron's spike times. EventProp's
 * gradients with respect to the 100 input weights, w, and both thresholds match central
 * differences with steps that change no spike count.
 */
class Figure1GradientTest {
    static final double T = 0.2;
    static final LifParams P = LifParams.of(20e-3, 5e-3, 1.0);

    static Network network() {
        return Network.builder().input(100)
                .lif("upper", 1, P).weights(Init.normal(0.02, 0.01))
                .lif("lower", 1, P).values(new float[] {5.0f}, null, null)
                .build(2020);
    }

    @Test
    void eventPropMatchesCentralDifferences() {
        EventPropModel model = EventPropModel.of(network());
        SpikeEvents input = Fd.poisson(100, 200, T, 11);
        EventProp ep = new EventProp(T);
        EventLoss loss = EventLosses.spikeTimeSum();
        EventProp.Result r = ep.run(model, input, 0, loss);
        int upper = r.trace().spikeCount(0), lower = r.trace().spikeCount(1);
        System.out.printf("figure 1: %d input spikes, upper %d spikes, lower %d spikes, L = %.6f s, stored %d bytes%n",
                input.size(), upper, lower, r.loss(), r.trace().storedBytesForBackward());
        assertTrue(upper >= 8, "upper neuron should fire a handful of spikes, got " + upper);
        assertTrue(lower >= 3, "lower neuron should fire a few spikes, got " + lower);
        assertEquals(0, r.gradients().clampedSpikes());

        // A step of 1e-7 moves spike times by ~1e-7 s: small enough that no spike appears or
        // disappears and (mostly) no spike time crosses an input arrival (see Fd.Eval), large
        // enough that rounding (~1e-16 s per spike time) stays ~1e-9 relative.
        double h = 1e-7;
        Fd.Problem p = new Fd.Problem(model, input, 0, loss, ep);
        List<Fd.Entry> all = new ArrayList<>();
        all.addAll(Fd.sweep(p, "w_in", m -> m.layer(0).weight(), r.gradients().weight(0), h));
        all.addAll(Fd.sweep(p, "w", m -> m.layer(1).weight(), r.gradients().weight(1), h));
        all.addAll(Fd.sweep(p, "theta_upper", m -> m.layer(0).threshold(), r.gradients().threshold(0), h));
        all.addAll(Fd.sweep(p, "theta_lower", m -> m.layer(1).threshold(), r.gradients().threshold(1), h));
        Fd.Report rep = new Fd.Report(all);
        for (Fd.Entry e : all.subList(100, all.size())) System.out.printf("  %-16s EP % .12e  FD % .12e  rel %.2e%n", e.name(), e.eventProp(), e.fd(), e.relDev());
        System.out.printf("figure 1: h = %.0e, %d/%d entries compared (%d changed a spike count, %d the event order), "
                        + "max rel dev %.3e (worst %s), norm rel dev %.3e%n",
                h, rep.checked(), all.size(), rep.countsChanged(), rep.orderChanged(), rep.maxRelDev(0), rep.worst(0), rep.normRelDev());
        assertEquals(0, rep.countsChanged(), "a step of " + h + " should change no spike count");
        assertTrue(rep.checked() >= 0.95 * all.size(), "too few entries kept their event order: " + rep.checked() + "/" + all.size());
        assertTrue(rep.maxRelDev(0) <= 1e-6, "max relative deviation " + rep.maxRelDev(0) + " at " + rep.worst(0));
    }
}
