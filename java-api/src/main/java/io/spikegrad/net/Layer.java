package io.spikegrad.net;

import io.spikegrad.LifParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One layer of a {@link Network}: a dense connection from the previous layer (weight
 * [in][out], optional bias [out]), optional recurrent weights [out][out], and per-neuron
 * continuous-time parameters tau_mem, tau_syn (seconds) and threshold [out], which are
 * fixed unless made learnable.
 */
public final class Layer {
    /** LIF: spiking neurons. LI: leaky integrator readout, no spikes (threshold unused). */
    public enum Kind { LIF, LI }

    private final String name;
    private final Kind kind;
    private final int inputs;
    private final int size;
    private final LifParams params;
    private final Parameter weight, recurrent, bias, tauMem, tauSyn, threshold;

    Layer(String name, Kind kind, int inputs, int size, LifParams params, float[] weight, float[] recurrent, float[] bias) {
        this.name = name;
        this.kind = kind;
        this.inputs = inputs;
        this.size = size;
        this.params = params;
        this.weight = new Parameter(name + ".weight", new int[] {inputs, size}, weight, true);
        this.recurrent = recurrent == null ? null : new Parameter(name + ".recurrent", new int[] {size, size}, recurrent, true);
        this.bias = bias == null ? null : new Parameter(name + ".bias", new int[] {size}, bias, true);
        this.tauMem = new Parameter(name + ".tau_mem", new int[] {size}, filled(size, params.tauMem()), false);
        this.tauSyn = new Parameter(name + ".tau_syn", new int[] {size}, filled(size, params.tauSyn()), false);
        this.threshold = new Parameter(name + ".threshold", new int[] {size}, filled(size, params.threshold()), false);
    }

    /** A deep copy: same structure, values and learnable flags; gradients zero. */
    Layer copy() {
        Layer c = new Layer(name, kind, inputs, size, params, weight.value().clone(),
                recurrent == null ? null : recurrent.value().clone(), bias == null ? null : bias.value().clone());
        List<Parameter> mine = parameters(), theirs = c.parameters();
        for (int i = 0; i < mine.size(); i++) {
            System.arraycopy(mine.get(i).value(), 0, theirs.get(i).value(), 0, mine.get(i).size());
            theirs.get(i).setLearnable(mine.get(i).learnable());
        }
        return c;
    }

    private static float[] filled(int n, double v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, (float) v);
        return a;
    }

    public String name() { return name; }
    public Kind kind() { return kind; }
    public int inputs() { return inputs; }
    public int size() { return size; }
    /** The parameters the layer was declared with (per-neuron values may since have been trained). */
    public LifParams params() { return params; }
    public Parameter weight() { return weight; }
    /** Recurrent weights [size][size], row j from neuron j, or null. */
    public Parameter recurrent() { return recurrent; }
    /** Bias [size] or null. */
    public Parameter bias() { return bias; }
    public Parameter tauMem() { return tauMem; }
    public Parameter tauSyn() { return tauSyn; }
    public Parameter threshold() { return threshold; }
    public boolean isRecurrent() { return recurrent != null; }

    /** Every parameter of the layer, learnable or not, in a fixed order. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        out.add(weight);
        if (recurrent != null) out.add(recurrent);
        if (bias != null) out.add(bias);
        out.add(tauMem);
        out.add(tauSyn);
        if (kind == Kind.LIF) out.add(threshold);
        return Collections.unmodifiableList(out);
    }
}
