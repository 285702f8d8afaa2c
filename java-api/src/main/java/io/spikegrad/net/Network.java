package io.spikegrad.net;

import io.spikegrad.Checks;
import io.spikegrad.LifParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A spiking network defined in continuous time: input channels, then a stack of dense
 * layers of LIF neurons (optionally recurrent), ending in a spiking LIF or a
 * leaky-integrator (LI) readout. Time constants are in seconds; the training method
 * chooses dt (BPTT) or simulates exactly (EventProp), so the same network trains by
 * either.
 *
 * <pre>{@code
 * Network net = Network.builder()
 *     .input(5)
 *     .lif("hidden", 200, LifParams.of(20e-3, 5e-3, 1.0))
 *     .readout("out", 3)
 *     .init(Init.normal(2.0, 1.0), Init.normal(0.4, 0.4))
 *     .build(42);
 * }</pre>
 */
public final class Network {
    private final int inputs;
    private final List<Layer> layers;
    private final long seed;

    private Network(int inputs, List<Layer> layers, long seed) {
        this.inputs = inputs;
        this.layers = Collections.unmodifiableList(layers);
        this.seed = seed;
    }

    public static Builder builder() { return new Builder(); }

    /** Input channels. */
    public int inputs() { return inputs; }

    /** Layers from input to readout. */
    public List<Layer> layers() { return layers; }

    /** The readout (last) layer. */
    public Layer readout() { return layers.get(layers.size() - 1); }

    /** Classes or output channels: the readout's size. */
    public int outputs() { return readout().size(); }

    /** The seed the weights were drawn with. */
    public long seed() { return seed; }

    /** Every parameter, layer by layer. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Layer l : layers) out.addAll(l.parameters());
        return out;
    }

    /** The parameter with this name, e.g. "hidden.weight". */
    public Parameter parameter(String name) {
        for (Parameter p : parameters()) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException("no parameter named '" + name + "'; parameters: " + parameters());
    }

    public Layer layer(String name) {
        for (Layer l : layers) if (l.name().equals(name)) return l;
        throw new IllegalArgumentException("no layer named '" + name + "'");
    }

    /** A deep copy with the same structure, values and learnable flags (gradients zero). */
    public Network copy() {
        List<Layer> copies = new ArrayList<>();
        for (Layer l : layers) copies.add(l.copy());
        return new Network(inputs, copies, seed);
    }

    /** Neurons in spiking (LIF) layers. */
    public int spikingNeurons() {
        int n = 0;
        for (Layer l : layers) if (l.kind() == Layer.Kind.LIF) n += l.size();
        return n;
    }

    /** Builds networks layer by layer; weights are drawn in {@link #build(long)}. */
    public static final class Builder {
        private int inputs = -1;
        private final List<Spec> specs = new ArrayList<>();
        private Init hiddenInit = Init.fanIn(1.0);
        private Init readoutInit = Init.fanIn(1.0);
        private Init recurrentInit = Init.spectralRadius(0.5);

        private record Spec(String name, Layer.Kind kind, int size, LifParams params, boolean recurrent,
                            boolean bias, Init init, Init recInit, float[] weight, float[] rec, float[] biasValues) {}

        /** Number of input channels, &gt;= 1. */
        public Builder input(int channels) {
            this.inputs = Checks.positive("input channels", channels);
            return this;
        }

        /** A feed-forward LIF layer. */
        public Builder lif(String name, int size, LifParams params) {
            return add(new Spec(name, Layer.Kind.LIF, size, params, false, false, null, null, null, null, null));
        }

        /** A LIF layer with recurrent weights [size][size]. */
        public Builder recurrentLif(String name, int size, LifParams params) {
            return add(new Spec(name, Layer.Kind.LIF, size, params, true, false, null, null, null, null, null));
        }

        /** A leaky-integrator readout with tau_mem 20 ms, tau_syn 5 ms. */
        public Builder readout(String name, int size) {
            return readout(name, size, LifParams.of(20e-3, 5e-3, 1.0));
        }

        /** A leaky-integrator readout (no spikes; the threshold is unused). */
        public Builder readout(String name, int size, LifParams params) {
            return add(new Spec(name, Layer.Kind.LI, size, params, false, false, null, null, null, null, null));
        }

        /** Adds a bias [size] to the last layer added. */
        public Builder withBias() {
            Spec s = last();
            specs.set(specs.size() - 1, new Spec(s.name, s.kind, s.size, s.params, s.recurrent, true, s.init, s.recInit, s.weight, s.rec, s.biasValues));
            return this;
        }

        /** Initialiser for the last layer added (overrides {@link #init}). */
        public Builder weights(Init init) {
            Spec s = last();
            specs.set(specs.size() - 1, new Spec(s.name, s.kind, s.size, s.params, s.recurrent, s.bias, init, s.recInit, s.weight, s.rec, s.biasValues));
            return this;
        }

        /** Initialiser for the last layer's recurrent weights (default spectral radius 0.5). */
        public Builder recurrentWeights(Init init) {
            Spec s = last();
            specs.set(specs.size() - 1, new Spec(s.name, s.kind, s.size, s.params, s.recurrent, s.bias, s.init, init, s.weight, s.rec, s.biasValues));
            return this;
        }

        /** Explicit values for the last layer: weight [in][out], recurrent [out][out] or null, bias [out] or null. */
        public Builder values(float[] weight, float[] recurrent, float[] bias) {
            Spec s = last();
            specs.set(specs.size() - 1, new Spec(s.name, s.kind, s.size, s.params, recurrent != null || s.recurrent,
                    bias != null || s.bias, s.init, s.recInit, weight.clone(),
                    recurrent == null ? null : recurrent.clone(), bias == null ? null : bias.clone()));
            return this;
        }

        /** Default initialisers: every layer but the last, and the last (readout). */
        public Builder init(Init hidden, Init readout) {
            this.hiddenInit = hidden;
            this.readoutInit = readout;
            return this;
        }

        /** Draws the weights from {@code seed}; the same seed gives the same network. */
        public Network build(long seed) {
            if (inputs < 1) throw new IllegalStateException("call input(channels) before build()");
            if (specs.isEmpty()) throw new IllegalStateException("a network needs at least one layer");
            SplittableRandom rng = new SplittableRandom(seed);
            List<Layer> layers = new ArrayList<>();
            int in = inputs;
            for (int i = 0; i < specs.size(); i++) {
                Spec s = specs.get(i);
                if (s.kind == Layer.Kind.LI && i != specs.size() - 1) {
                    throw new IllegalStateException("layer '" + s.name + "': a leaky-integrator readout must be the last layer");
                }
                SplittableRandom layerRng = rng.split();
                float[] w = s.weight;
                if (w == null) {
                    w = new float[in * s.size];
                    Init init = s.init != null ? s.init : (i == specs.size() - 1 ? readoutInit : hiddenInit);
                    init.fill(w, in, s.size, layerRng);
                } else if (w.length != in * s.size) {
                    throw new IllegalArgumentException("layer '" + s.name + "': weight must have shape [" + in + "][" + s.size
                            + "] = " + (in * s.size) + " values, got " + w.length);
                }
                float[] rec = s.rec;
                if (s.recurrent && rec == null) {
                    rec = new float[s.size * s.size];
                    (s.recInit != null ? s.recInit : recurrentInit).fill(rec, s.size, s.size, layerRng);
                }
                if (rec != null && rec.length != s.size * s.size) {
                    throw new IllegalArgumentException("layer '" + s.name + "': recurrent must have shape [" + s.size + "][" + s.size + "]");
                }
                float[] b = s.biasValues;
                if (s.bias && b == null) b = new float[s.size];
                if (b != null && b.length != s.size) {
                    throw new IllegalArgumentException("layer '" + s.name + "': bias must have shape [" + s.size + "]");
                }
                layers.add(new Layer(s.name, s.kind, in, s.size, s.params, w, rec, b));
                in = s.size;
            }
            return new Network(inputs, layers, seed);
        }

        private Builder add(Spec s) {
            if (s.name == null || s.name.isBlank()) throw new IllegalArgumentException("layer name must not be blank");
            for (Spec o : specs) if (o.name.equals(s.name)) throw new IllegalArgumentException("duplicate layer name '" + s.name + "'");
            Checks.positive("layer '" + s.name + "' size", s.size);
            java.util.Objects.requireNonNull(s.params, "params");
            specs.add(s);
            return this;
        }

        private Spec last() {
            if (specs.isEmpty()) throw new IllegalStateException("add a layer first");
            return specs.get(specs.size() - 1);
        }
    }
}
