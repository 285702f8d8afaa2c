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
 * A recurrent LIF layer of 12 neurons (self-connections included, mixed-sign recurrent
 * weights, per-neuron time constants, one pair with tau_mem == tau_syn) driven by Poisson
 * input: EventProp's gradients of the sum of all spike times with respect to every input
 * weight, recurrent weight and threshold match central differences; entries whose
 * perturbation changes a spike count or the event order are skipped, and most are checked.
 */
class RecurrentGradientTest {
    static final double T = 0.1;

    static Network network() {
        Network net = Network.builder().input(20)
                .recurrentLif("rec", 12, LifParams.of(20e-3, 5e-3, 1.0))
                .weights(Init.normal(0.14, 0.04)).recurrentWeights(Init.normal(0.0, 0.3))
                .build(77);
        // heterogeneous constants exercise the per-neuron formulas; neuron 3 has equal constants
        float[] tm = net.layer("rec").tauMem().value(), ts = net.layer("rec").tauSyn().value();
        for (int j = 0; j < 12; j++) {
            tm[j] = (float) (15e-3 + 1e-3 * j);
            ts[j] = (float) (4e-3 + 0.3e-3 * j);
        }
        tm[3] = ts[3] = 8e-3f;
        return net;
    }

    @Test
    void eventPropMatchesCentralDifferences() {
        EventPropModel model = EventPropModel.of(network());
        SpikeEvents input = Fd.poisson(20, 200, T, 5);
        EventProp ep = new EventProp(T);
        EventLoss loss = EventLosses.spikeTimeSum();
        EventProp.Result r = ep.run(model, input, 0, loss);
        int[] counts = r.trace().spikeCounts();
        System.out.printf("recurrent: %d input spikes, spike counts %s, stored %d bytes%n",
                input.size(), java.util.Arrays.toString(counts), r.trace().storedBytesForBackward());
        for (int n = 0; n < counts.length; n++) assertTrue(counts[n] >= 3, "neuron " + n + " should fire a few spikes, got " + counts[n]);
        assertEquals(0, r.gradients().clampedSpikes());

        // 1e-6: the loss sums ~150 spike times whose rounding reaches ~1e-15 through the
        // recurrent chains, so a smaller step lets rounding dominate the small entries.
        double h = 1e-6;
        Fd.Problem p = new Fd.Problem(model, input, 0, loss, ep);
        List<Fd.Entry> all = new ArrayList<>();
        all.addAll(Fd.sweep(p, "w_in", m -> m.layer(0).weight(), r.gradients().weight(0), h));
        all.addAll(Fd.sweep(p, "w_rec", m -> m.layer(0).recurrent(), r.gradients().recurrent(0), h));
        all.addAll(Fd.sweep(p, "theta", m -> m.layer(0).threshold(), r.gradients().threshold(0), h));
        Fd.Report rep = new Fd.Report(all);
        System.out.printf("recurrent: h = %.0e, %d/%d entries compared (%d changed a spike count, %d the event order), "
                        + "max rel dev %.3e over all, %.3e over |grad| >= 1e-3 max (worst %s), max |dev|/max|grad| %.3e, norm rel dev %.3e%n",
                h, rep.checked(), all.size(), rep.countsChanged(), rep.orderChanged(), rep.maxRelDev(0), rep.maxRelDev(1e-3), rep.worst(1e-3),
                rep.maxAbsDevOverMax(), rep.normRelDev());
        assertTrue(rep.checked() >= 0.9 * all.size(), "too few entries checked: " + rep.checked() + "/" + all.size());
        assertTrue(rep.maxRelDev(1e-3) <= 1e-6, "max relative deviation " + rep.maxRelDev(1e-3) + " at " + rep.worst(1e-3));
        assertTrue(rep.maxAbsDevOverMax() <= 1e-7, "max absolute deviation relative to the largest gradient " + rep.maxAbsDevOverMax());
    }
}
