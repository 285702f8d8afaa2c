package io.spikegrad.eventprop;

import io.spikegrad.LifParams;
import io.spikegrad.ResetMode;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A double-precision snapshot of a {@link Network} in the form the EventProp reference
 * simulates (paper table 1): input channels, then layers of LIF neurons (spiking, reset by
 * subtraction), the last of which may be a non-spiking leaky integrator (LI) readout.
 *
 * <p>The arrays are live: finite-difference checks perturb them in place (a float32
 * {@link io.spikegrad.net.Parameter} cannot hold a perturbation of 1e-6 exactly). Neurons get
 * a global index: layer {@code l}'s neuron {@code j} is {@code offset(l) + j}.
 *
 * <h2>What is rejected, and why</h2>
 * <ul>
 *   <li>A bias: table 1 has no constant drive, and a bias added to I every step (the
 *       discrete-time contract of DESIGN.md) has no unique continuous-time twin. Encode a
 *       bias as an input spike instead, as the Yin-Yang encoding's bias channel does.</li>
 *   <li>Reset modes other than subtraction: at a crossing {@code V^- = theta}, so 'subtract'
 *       and 'to value 0' are the same map {@code V -> V - theta}; 'none' or another reset value
 *       is a different model whose adjoint jump is not table 2's.</li>
 *   <li>A threshold {@code <= 0} in a spiking layer (the crossing search assumes V rests below
 *       threshold), and recurrent weights on an LI readout (it never spikes).</li>
 * </ul>
 * Self-connections (a non-zero diagonal of the recurrent matrix) are allowed: the adjoint jump
 * in {@link EventPropBackward} is derived with them.
 */
public final class EventPropModel {

    /** One layer: weights from the previous layer (or the inputs), optional recurrent weights, per-neuron constants. */
    public static final class LayerModel {
        private final String name;
        private final boolean spiking;
        private final int inputs, size;
        private final double[] weight, recurrent, tauMem, tauSyn, threshold;

        LayerModel(String name, boolean spiking, int inputs, int size, double[] weight, double[] recurrent,
                   double[] tauMem, double[] tauSyn, double[] threshold) {
            this.name = name;
            this.spiking = spiking;
            this.inputs = inputs;
            this.size = size;
            this.weight = weight;
            this.recurrent = recurrent;
            this.tauMem = tauMem;
            this.tauSyn = tauSyn;
            this.threshold = threshold;
        }

        LayerModel copy() {
            return new LayerModel(name, spiking, inputs, size, weight.clone(),
                    recurrent == null ? null : recurrent.clone(), tauMem.clone(), tauSyn.clone(), threshold.clone());
        }

        public String name() { return name; }
        /** LIF (true) or LI readout (false). */
        public boolean spiking() { return spiking; }
        public int inputs() { return inputs; }
        public int size() { return size; }
        /** Live [inputs][size], row i from presynaptic unit i. */
        public double[] weight() { return weight; }
        /** Live [size][size], row j from neuron j, or null. */
        public double[] recurrent() { return recurrent; }
        /** Live [size], seconds. */
        public double[] tauMem() { return tauMem; }
        /** Live [size], seconds. */
        public double[] tauSyn() { return tauSyn; }
        /** Live [size]; unused by an LI readout. */
        public double[] threshold() { return threshold; }
    }

    private final int inputs;
    private final List<LayerModel> layers;
    private final int[] offsets;
    private final int neurons;

    private EventPropModel(int inputs, List<LayerModel> layers) {
        this.inputs = inputs;
        this.layers = Collections.unmodifiableList(layers);
        this.offsets = new int[layers.size() + 1];
        for (int l = 0; l < layers.size(); l++) offsets[l + 1] = offsets[l] + layers.get(l).size;
        this.neurons = offsets[layers.size()];
    }

    /**
     * Copies the network's current values into doubles.
     *
     * @throws IllegalArgumentException naming the layer when the network uses something EventProp does
     *     not model (see the class comment)
     */
    public static EventPropModel of(Network net) {
        List<LayerModel> out = new ArrayList<>();
        for (Layer l : net.layers()) {
            String where = "EventProp: layer '" + l.name() + "'";
            if (l.bias() != null) {
                throw new IllegalArgumentException(where + " has a bias; EventProp's model (paper table 1) has no constant "
                        + "drive. Build the network without withBias() and feed a bias as an input spike (as Yin-Yang's bias channel does)");
            }
            boolean spiking = l.kind() == Layer.Kind.LIF;
            LifParams p = l.params();
            if (spiking && !(p.reset() == ResetMode.SUBTRACT || (p.reset() == ResetMode.TO_VALUE && p.vReset() == 0.0))) {
                throw new IllegalArgumentException(where + " resets with " + p.reset() + (p.reset() == ResetMode.TO_VALUE ? " to " + p.vReset() : "")
                        + "; EventProp supports reset by subtraction (V -> V - theta, the same as reset to 0 at a crossing) only");
            }
            if (!spiking && l.recurrent() != null) {
                throw new IllegalArgumentException(where + " is a leaky-integrator readout with recurrent weights; it never spikes, so they would be unused");
            }
            double[] theta = toDouble(l.threshold().value());
            if (spiking) {
                for (int j = 0; j < theta.length; j++) {
                    if (!(theta[j] > 0) || !Double.isFinite(theta[j])) {
                        throw new IllegalArgumentException(where + ": threshold[" + j + "] must be finite and > 0 for the crossing search, got " + theta[j]);
                    }
                }
            }
            out.add(new LayerModel(l.name(), spiking, l.inputs(), l.size(), toDouble(l.weight().value()),
                    l.recurrent() == null ? null : toDouble(l.recurrent().value()),
                    toDouble(l.tauMem().value()), toDouble(l.tauSyn().value()), theta));
        }
        for (LayerModel lm : out) {
            for (int j = 0; j < lm.size; j++) {
                if (!(lm.tauMem[j] > 0) || !(lm.tauSyn[j] > 0)) {
                    throw new IllegalArgumentException("EventProp: layer '" + lm.name + "': tau_mem and tau_syn must be > 0 s, neuron " + j
                            + " has " + lm.tauMem[j] + ", " + lm.tauSyn[j]);
                }
            }
        }
        return new EventPropModel(net.inputs(), out);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int k = 0; k < a.length; k++) d[k] = a[k];
        return d;
    }

    /** A deep copy (for perturbing without touching this one). */
    public EventPropModel copy() {
        List<LayerModel> c = new ArrayList<>();
        for (LayerModel l : layers) c.add(l.copy());
        return new EventPropModel(inputs, c);
    }

    public int inputs() { return inputs; }
    public int layerCount() { return layers.size(); }
    public LayerModel layer(int l) { return layers.get(l); }
    public List<LayerModel> layers() { return layers; }
    /** The last layer. */
    public LayerModel output() { return layers.get(layers.size() - 1); }
    /** Global index of layer {@code l}'s neuron 0. */
    public int offset(int l) { return offsets[l]; }
    /** Neurons in all layers. */
    public int neurons() { return neurons; }

    /** The layer holding global neuron {@code n}. */
    public int layerOf(int n) {
        for (int l = 0; l < layers.size(); l++) if (n < offsets[l + 1]) return l;
        throw new IndexOutOfBoundsException("neuron " + n + " of " + neurons);
    }
}
