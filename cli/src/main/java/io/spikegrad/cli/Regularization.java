package io.spikegrad.cli;

import io.spikegrad.bptt.BpttEngine;
import io.spikegrad.loss.FiringRatePenalty;
import io.spikegrad.loss.SpikeCountPenalty;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;

/** Turns the --reg-* options into regularisers on every hidden LIF layer. */
final class Regularization {
    private Regularization() {}

    static void apply(BpttEngine engine, Network net, double spikes, String rate, double dt) {
        for (int l = 0; l < net.layers().size() - 1; l++) {
            Layer layer = net.layers().get(l);
            if (layer.kind() != Layer.Kind.LIF) continue;
            if (spikes > 0) engine.regularize(layer.name(), new SpikeCountPenalty(spikes));
            if (rate != null) {
                String[] p = rate.split(":");
                try {
                    if (p.length != 2) throw new NumberFormatException();
                    double lambda = Double.parseDouble(p[0]), hz = Double.parseDouble(p[1]);
                    engine.regularize(layer.name(), FiringRatePenalty.toTarget(lambda, FiringRatePenalty.perStep(hz, dt)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--reg-rate must be LAMBDA:HZ, e.g. 1.0:20, got '" + rate + "'");
                }
            }
        }
    }
}
