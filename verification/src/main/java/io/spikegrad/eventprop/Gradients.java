package io.spikegrad.eventprop;

import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;

/**
 * EventProp gradients in double, shaped like the model: per layer {@code weight} [in][out],
 * {@code recurrent} [N][N] (or null) and {@code threshold} [N] (null for an LI readout). No
 * time-constant gradients are computed (see {@link EventPropBackward}).
 */
public final class Gradients {
    final double[][] weight, recurrent, threshold;
    int clampedSpikes;

    Gradients(EventPropModel m) {
        int L = m.layerCount();
        weight = new double[L][];
        recurrent = new double[L][];
        threshold = new double[L][];
        for (int l = 0; l < L; l++) {
            EventPropModel.LayerModel lm = m.layer(l);
            weight[l] = new double[lm.weight().length];
            recurrent[l] = lm.recurrent() == null ? null : new double[lm.recurrent().length];
            threshold[l] = lm.spiking() ? new double[lm.size()] : null;
        }
    }

    /** dL/dweight of layer l, [in][out]. */
    public double[] weight(int l) { return weight[l]; }

    /** dL/drecurrent of layer l, [N][N] row j from neuron j, or null. */
    public double[] recurrent(int l) { return recurrent[l]; }

    /** dL/dthreshold of layer l, [N], or null for an LI readout. */
    public double[] threshold(int l) { return threshold[l]; }

    /**
     * Spikes whose {@code Vdot^-} was below the guard floor and was clamped to it (see
     * {@link EventPropBackward}); 0 in a healthy run.
     */
    public int clampedSpikes() { return clampedSpikes; }

    /** The Euclidean norm over every weight and recurrent-weight gradient (thresholds excluded). */
    public double weightNorm() {
        double n2 = 0;
        for (int l = 0; l < weight.length; l++) {
            for (double x : weight[l]) n2 += x * x;
            if (recurrent[l] != null) for (double x : recurrent[l]) n2 += x * x;
        }
        return Math.sqrt(n2);
    }

    /** {@code this += s * o}. */
    void addScaled(Gradients o, double s) {
        for (int l = 0; l < weight.length; l++) {
            add(weight[l], o.weight[l], s);
            add(recurrent[l], o.recurrent[l], s);
            add(threshold[l], o.threshold[l], s);
        }
        clampedSpikes += o.clampedSpikes;
    }

    private static void add(double[] a, double[] b, double s) {
        if (a == null) return;
        for (int k = 0; k < a.length; k++) a[k] += s * b[k];
    }

    /**
     * Overwrites the gradients of {@code net}'s parameters: weights, recurrent weights and LIF
     * thresholds get these values (rounded to float), tau_mem / tau_syn gradients are set to 0.
     * {@code net} must have the structure of the model these gradients came from.
     */
    public void writeTo(Network net) {
        for (int l = 0; l < net.layers().size(); l++) {
            Layer layer = net.layers().get(l);
            copy(weight[l], layer.weight());
            if (layer.recurrent() != null) copy(recurrent[l], layer.recurrent());
            if (layer.kind() == Layer.Kind.LIF) copy(threshold[l], layer.threshold());
            java.util.Arrays.fill(layer.tauMem().grad(), 0f);
            java.util.Arrays.fill(layer.tauSyn().grad(), 0f);
        }
    }

    private static void copy(double[] src, Parameter p) {
        if (src == null || src.length != p.size()) {
            throw new IllegalArgumentException("gradient shape does not match parameter " + p);
        }
        float[] g = p.grad();
        for (int k = 0; k < g.length; k++) g[k] = (float) src[k];
    }
}
