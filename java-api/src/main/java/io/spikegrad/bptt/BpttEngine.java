package io.spikegrad.bptt;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.DType;
import io.spikegrad.LiGradTensors;
import io.spikegrad.LiTensors;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifParams;
import io.spikegrad.LifTensors;
import io.spikegrad.Shape;
import io.spikegrad.Surrogate;
import io.spikegrad.Tensor;
import io.spikegrad.loss.Loss;
import io.spikegrad.loss.Regularizer;
import io.spikegrad.net.Layer;
import io.spikegrad.net.Network;
import io.spikegrad.net.Parameter;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Surrogate-gradient BPTT of a {@link Network} on a {@link Backend}: per layer one product for
 * the input currents of all steps (spike-sparse when the input is sparse, a GEMM otherwise),
 * the fused LIF (or LI) kernel over all steps, then the reverse pass with products for weight
 * and input gradients. Gradients land in each {@link Parameter#grad()}, including tau_mem,
 * tau_syn and threshold (learnable or not).
 *
 * <p>Memory per neuron-step of a hidden LIF layer: the forward saves the spike raster as
 * bits (bytes on a backend without bit rasters) and I[t] as a float (4.125 bytes: all the
 * backward needs); the input-current buffer is
 * reused for dL/dX in the backward (4 bytes), and one dL/dS buffer of the widest layer is
 * shared by all layers. Layers whose spikes a loss or regulariser reads as floats, and every
 * layer in smooth mode, keep float spikes.
 *
 * <p>The engine checks its inputs and the parameters for NaN/infinity when they enter, and the
 * gradients when they leave; the kernels in between run with the backend's input scans off.
 * Tensors are allocated once per (steps, batch) shape and reused; close the engine to free
 * them. Not thread-safe.
 */
public final class BpttEngine implements AutoCloseable {
    private final Network net;
    private final Backend backend;
    private final BpttSettings settings;
    /** Workspaces by shape, most recent first; two cover full batches plus a last partial one. */
    private final java.util.ArrayDeque<Workspace> workspaces = new java.util.ArrayDeque<>();
    private Workspace ws;
    /**
     * Layer inputs sparser than this go through the spike-sparse forward product instead of a
     * dense GEMM; {@link #SPARSE_GRAD_BELOW} likewise for the weight gradient. Crossovers
     * measured with SpikeMatmulBench on the 2-core development machine (README, Benchmarks).
     */
    public static final double SPARSE_BELOW = 0.25;
    public static final double SPARSE_GRAD_BELOW = 0.25;
    /**
     * The gradient into a LIF layer's spikes is computed only where its surrogate derivative is
     * nonzero (the masked product) when fewer than this fraction of its neuron-steps need it:
     * with a compact surrogate (triangle, boxcar: exact) or the opt-in cut-off (approximate).
     */
    public static final double MASKED_BELOW = 0.3;
    /** ... and only when the layer above has at least this many neurons (the product's inner size). */
    public static final int MASKED_MIN_INNER = 128;
    /** Per layer: whether the last run used the sparse product for its input (forward, weight gradient). */
    private boolean[] lastSparse = new boolean[0], lastSparseGrad = new boolean[0];
    /** Masked-product policy: null chooses by size and density, TRUE forces it wherever a mask applies, FALSE never. */
    private Boolean maskedPolicy;
    /** Regularisers per layer index (LIF layers only). */
    private final java.util.Map<Integer, List<Regularizer>> regularizers = new java.util.HashMap<>();
    private final Timings timings = new Timings();

    public BpttEngine(Network net, Backend backend, BpttSettings settings) {
        this.net = net;
        this.backend = backend;
        this.settings = settings;
        for (Layer l : net.layers()) {
            LifParams.decay("layer '" + l.name() + "' tau_syn", minOf(l.tauSyn()), settings.dt());
            LifParams.decay("layer '" + l.name() + "' tau_mem", minOf(l.tauMem()), settings.dt());
        }
        if (settings.smooth() && !settings.surrogate().kind().hasSmoothForm()) {
            throw new IllegalArgumentException("smooth = true needs a surrogate with a smooth form, not " + settings.surrogate().kind());
        }
    }

    /**
     * Adds a penalty on the activity of the LIF layer {@code layerName}; its value joins the
     * loss and its gradient the backward pass. Call before the first {@link #run}.
     */
    public BpttEngine regularize(String layerName, Regularizer r) {
        Layer l = net.layer(layerName);
        if (l.kind() != Layer.Kind.LIF) throw new IllegalArgumentException("layer '" + layerName + "' has no spikes to regularise");
        if (!workspaces.isEmpty()) throw new IllegalStateException("add regularisers before the first run()");
        regularizers.computeIfAbsent(net.layers().indexOf(l), k -> new ArrayList<>()).add(r);
        return this;
    }

    /**
     * Overrides when dL/dS of a LIF layer is computed with the masked product: {@code null}
     * (the default) decides by the layer above's width and the mask's density
     * ({@link #MASKED_MIN_INNER}, {@link #MASKED_BELOW}); {@code true} uses it wherever the
     * surrogate can be exactly zero (a compact surrogate, or a cut-off); {@code false} never.
     * The gradients are the same either way up to float rounding; tests and benchmarks use this.
     */
    public BpttEngine maskedProduct(Boolean policy) {
        this.maskedPolicy = policy;
        return this;
    }

    /**
     * Result of one pass. {@code loss} includes the regularisers, {@code penalty} is their
     * part; {@code spikeCounts[l]} is the total spike count of layer l over the batch.
     */
    public record Result(double loss, double penalty, int[] predictions, double[] spikeCounts) {}

    public Network network() { return net; }

    public BpttSettings settings() { return settings; }

    /**
     * Forward pass, loss, and (when {@code backward}) the gradients of every parameter. A LIF
     * layer whose tau_mem, tau_syn and threshold are all non-learnable (the default) does not
     * form their gradients, which leaves a third of its backward out; their {@code grad()}
     * arrays are set to zero then. Mark one of them learnable to get all three.
     *
     * @param input  [T][B][inputs] input spikes (or currents) per step, time-major
     * @param labels [B] class labels for the loss
     */
    public Result run(float[] input, int steps, int batch, Loss loss, int[] labels, boolean backward) {
        long expected = (long) steps * batch * net.inputs();
        if (input.length != expected) {
            throw new IllegalArgumentException("input must have shape [T][B][inputs] = [" + steps + "][" + batch + "]["
                    + net.inputs() + "] = " + expected + " values, got " + input.length);
        }
        for (int k = 0; k < input.length; k++) {
            if (!Float.isFinite(input[k])) throw new IllegalArgumentException("input[" + k + "] = " + input[k] + "; inputs must be finite");
        }
        Workspace w = workspace(steps, batch);
        w.input.copyFrom(input);
        return pass(w, w.input, loss, labels, backward);
    }

    /**
     * As {@link #run(float[], int, int, Loss, int[], boolean)} with the input already in a
     * tensor of this engine's backend: F32 (any finite values), or U8 (a spike raster, one byte
     * per entry, the cheapest to read). Lets a data pipeline upload each batch once.
     *
     * @param input [T][B][inputs] with {@code steps * batch * inputs} elements
     */
    public Result run(Tensor input, int steps, int batch, Loss loss, int[] labels, boolean backward) {
        long expected = (long) steps * batch * net.inputs();
        if (input.size() != expected) {
            throw new IllegalArgumentException("input must have shape [T][B][inputs] = [" + steps + "][" + batch + "]["
                    + net.inputs() + "] = " + expected + " elements, got " + input + " with " + input.size());
        }
        if (input.arena().owner() != backend) {
            throw new IllegalArgumentException("input " + input + " belongs to backend " + input.arena().owner().name()
                    + ", not to this engine's " + backend.name());
        }
        if (input.dtype() == DType.F32) {
            for (float v : input.toArray()) if (!Float.isFinite(v)) throw new IllegalArgumentException(input + " holds NaN or infinity; inputs must be finite");
        }
        return pass(workspace(steps, batch), input, loss, labels, backward);
    }

    private Result pass(Workspace w, Tensor input, Loss loss, int[] labels, boolean backward) {
        int steps = w.steps, batch = w.batch;
        if (labels.length != batch) throw new IllegalArgumentException("labels must have " + batch + " entries, got " + labels.length);
        Layer readout = net.readout();
        Loss.Signal want = readout.kind() == Layer.Kind.LIF ? Loss.Signal.SPIKES : Loss.Signal.MEMBRANE;
        if (loss.signal() != want) {
            throw new IllegalArgumentException("loss " + loss.name() + " reads " + loss.signal() + " but the readout '" + readout.name()
                    + "' is " + readout.kind() + " (gives " + want + ")");
        }
        boolean scanned = backend.scanInputs(false);
        try {
            long t0 = System.nanoTime();
            w.upload();
            w.forward(input);
            long t1 = System.nanoTime();
            lastSparse = w.sparse.clone();
            int[] predictions = new int[batch];
            double value = w.loss(loss, labels, predictions);
            double penalty = w.penalties();
            long t2 = System.nanoTime();
            if (backward) {
                w.backward(input);
                lastSparseGrad = w.sparseGrad.clone();
            }
            long t3 = System.nanoTime();
            double[] counts = new double[w.layers.size()];
            for (int l = 0; l < counts.length; l++) counts[l] = w.layers.get(l).lif ? w.layers.get(l).spikeCount : 0;
            timings.add(t1 - t0, t2 - t1, t3 - t2);
            if (!Double.isFinite(value)) throw new ArithmeticException("loss " + loss.name() + " became " + value);
            return new Result(value + penalty, penalty, predictions, counts);
        } finally {
            backend.scanInputs(scanned);
        }
    }

    /** The readout activity of the last pass ([T][B][C]: spikes or membrane); valid until the next run. */
    public Tensor lastReadout() {
        if (ws == null) throw new IllegalStateException("run() has not been called");
        return ws.layers.get(ws.layers.size() - 1).out();
    }

    /** The spikes of layer {@code l} in the last pass ([T][B][N], F32 or U8); valid until the next run. */
    public Tensor lastSpikes(int l) {
        if (ws == null) throw new IllegalStateException("run() has not been called");
        LayerWs lw = ws.layers.get(l);
        if (!lw.lif) throw new IllegalArgumentException("layer " + l + " is a leaky integrator and has no spikes");
        return lw.out();
    }

    @Override
    public void close() {
        for (Workspace w : workspaces) w.arena.close();
        workspaces.clear();
        ws = null;
    }

    /** For each layer, whether the last pass used the spike-sparse product for its input. */
    public boolean[] lastSparse() {
        return lastSparse.clone();
    }

    /** For each layer, whether the last backward pass used the spike-sparse weight gradient. */
    public boolean[] lastSparseGrad() {
        return lastSparseGrad.clone();
    }

    /** Bytes of tensors this engine holds (for memory reports). */
    public long bytes() {
        long b = 0;
        for (Workspace w : workspaces) b += w.arena.bytes();
        return b;
    }

    /**
     * Bytes the forward pass keeps per sample for the backward (spike rasters and I[t] of every
     * layer, at the shape of the last run), the figure to compare with EventProp's storage.
     */
    public long savedBytesPerSample() {
        if (ws == null) throw new IllegalStateException("run() has not been called");
        long b = 0;
        for (LayerWs l : ws.layers) b += l.iSave.bytes() + (l.lif ? l.out.bytes() : 0);
        return b / ws.batch;
    }

    /** Wall-clock nanoseconds spent in forward, loss and backward over every run so far. */
    public Timings timings() { return timings; }

    /**
     * Accumulated phase times of {@link #run} (forward includes the parameter upload), and the
     * time of every kernel call by name ("hidden.forward", "out.weightGrad", ...).
     */
    public static final class Timings {
        private long forward, loss, backward, runs;
        private final java.util.Map<String, Long> kernels = new java.util.LinkedHashMap<>();

        void kernel(String name, long nanos) {
            kernels.merge(name, nanos, Long::sum);
        }

        /** Nanoseconds per kernel call name, summed over every run since the last reset. */
        public java.util.Map<String, Long> kernelNanos() { return java.util.Collections.unmodifiableMap(kernels); }

        void add(long f, long l, long b) {
            forward += f;
            loss += l;
            backward += b;
            runs++;
        }

        public long forwardNanos() { return forward; }
        public long lossNanos() { return loss; }
        public long backwardNanos() { return backward; }
        public long runs() { return runs; }

        public void reset() {
            forward = loss = backward = runs = 0;
            kernels.clear();
        }
    }

    private Workspace workspace(int steps, int batch) {
        for (Workspace w : workspaces) {
            if (w.steps == steps && w.batch == batch) {
                workspaces.remove(w);
                workspaces.addFirst(w);
                ws = w;
                return w;
            }
        }
        if (workspaces.size() == 2) workspaces.removeLast().arena.close();
        ws = new Workspace(steps, batch);
        workspaces.addFirst(ws);
        return ws;
    }

    /** Whether surrogate derivatives can be exactly 0 somewhere, so the masked product may pay. */
    private boolean sparseBackward() {
        Surrogate.Kind k = settings.surrogate().kind();
        return settings.gradCutoff() > 0 || k == Surrogate.Kind.TRIANGLE || k == Surrogate.Kind.BOXCAR;
    }

    /** For each LIF layer, whether the last backward pass computed its dL/dS with the masked product. */
    public boolean[] lastMasked() {
        return ws == null ? new boolean[0] : ws.masked.clone();
    }

    /**
     * For each layer, the fraction of its neuron-steps whose dL/dS the last backward needed (1
     * where no mask was made: a smooth surrogate without cut-off, or a narrow layer above).
     */
    public double[] lastMaskedFraction() {
        return ws == null ? new double[0] : ws.maskedFraction.clone();
    }

    /**
     * For each layer, whether the last backward pass computed its dL/dS inside the layer's own
     * backward ({@link io.spikegrad.Backend#lifBackwardProduct}): a LIF layer under
     * a layer of at most {@link io.spikegrad.Backend#LIF_PRODUCT_MAX_INNER} neurons (a readout),
     * with no mask and no regulariser gradient of its own.
     */
    public boolean[] lastFused() {
        return ws == null ? new boolean[0] : ws.fused.clone();
    }

    private static double minOf(Parameter p) {
        double m = Double.POSITIVE_INFINITY;
        for (float v : p.value()) m = Math.min(m, v);
        return m;
    }

    private static void checkFinite(Parameter p, float[] v, String what) {
        for (int k = 0; k < v.length; k++) {
            if (!Float.isFinite(v[k])) throw new ArithmeticException(what + " of " + p.name() + "[" + k + "] is " + v[k]);
        }
    }

    /** Device tensors of one layer for one (steps, batch) shape. */
    private final class LayerWs {
        final Layer layer;
        final boolean lif;
        final LifKernelConfig cfg;
        final Shape shape;
        final Tensor w, wRec, bias, alpha, beta, theta, i0, v0, x, out, iSave;
        /**
         * dL/dX is written over x: the forward's input currents are not needed after the forward.
         * Where the backend runs its LIF kernels in place ({@link io.spikegrad.Backend#lifInPlace()}),
         * a LIF layer's iSave is x too: I[t] over X[t], then dL/dX[t] over I[t], one buffer
         * (a third less activation memory, and the kernels write lines they have just read).
         */
        final Tensor gradX;
        final Tensor gradI0, gradV0, gAlpha, gBeta, gTheta, dW, dWRec, dBias;
        /** Regularisers of this layer, their dR/dS and (when one needs it) U and dR/dU; empty/null otherwise. */
        final List<Regularizer> regs;
        final Tensor u, regGradS, regGradU;
        /** Where this layer's backward uses dL/dS (sparse backward only; null otherwise). */
        final Tensor mask;
        double spikeCount, density;
        /** The last backward formed the tau and threshold gradients (a LIF layer skips them when none is learnable; an LI readout always forms them). */
        boolean neuronGrads = true;

        /** Whether a LIF layer's backward must form dL/dtau_mem, dL/dtau_syn, dL/dtheta: when any of them is learnable. */
        boolean wantsNeuronGrads() {
            return layer.tauMem().learnable() || layer.tauSyn().learnable() || layer.threshold().learnable();
        }

        LayerWs(Arena a, Layer l, int steps, int batch, List<Regularizer> regs, boolean floatSpikes) {
            this.regs = regs;
            layer = l;
            lif = l.kind() == Layer.Kind.LIF;
            int n = l.size(), in = l.inputs();
            String p = l.name() + ".";
            LifParams lp = l.params();
            cfg = new LifKernelConfig(steps, batch, n, lp.reset(), lp.vReset(), settings.surrogate(), settings.detachReset(),
                    settings.smooth(), settings.gradCutoff());
            shape = new Shape(steps, batch, n);
            w = a.allocate(p + "weight", in, n);
            wRec = l.isRecurrent() ? a.allocate(p + "recurrent", n, n) : null;
            bias = l.bias() != null ? a.allocate(p + "bias", n) : null;
            alpha = a.allocate(p + "alpha", n);
            beta = a.allocate(p + "beta", n);
            theta = a.allocate(p + "theta", n);
            i0 = a.allocate(p + "i0", batch, n);
            v0 = a.allocate(p + "v0", batch, n);
            x = a.allocate(p + "x", steps, batch, n);
            gradX = x;
            out = lif && !floatSpikes ? a.allocate(backend.supports(DType.BIT) ? DType.BIT : DType.U8, p + "spikes", steps, batch, n)
                    : a.allocate(p + (lif ? "spikes" : "u"), steps, batch, n);
            iSave = lif && backend.lifInPlace() ? x : a.allocate(p + "iSave", steps, batch, n);
            gradI0 = a.allocate(p + "gradI0", batch, n);
            gradV0 = a.allocate(p + "gradV0", batch, n);
            gAlpha = a.allocate(p + "gradAlpha", n);
            gBeta = a.allocate(p + "gradBeta", n);
            gTheta = a.allocate(p + "gradTheta", n);
            dW = a.allocate(p + "gradWeight", in, n);
            dWRec = l.isRecurrent() ? a.allocate(p + "gradRecurrent", n, n) : null;
            dBias = l.bias() != null ? a.allocate(p + "gradBias", n) : null;
            boolean membrane = regs.stream().anyMatch(Regularizer::needsMembrane);
            u = membrane ? a.allocate(p + "u", steps, batch, n) : null;
            regGradU = membrane ? a.allocate(p + "regGradU", steps, batch, n) : null;
            regGradS = regs.isEmpty() ? null : a.allocate(p + "regGradSpikes", steps, batch, n);
            mask = lif && sparseBackward() ? a.allocate(DType.U8, p + "surrogateMask", steps, batch, n) : null;
        }

        /** Evaluates this layer's regularisers into regGradS / regGradU; returns their sum. */
        double penalties() {
            if (regs.isEmpty()) return 0;
            HostCopy s = HostCopy.of(out), uu = u == null ? null : HostCopy.of(u);
            HostCopy gs = HostCopy.zeros(regGradS), gu = regGradU == null ? null : HostCopy.zeros(regGradU);
            double r = 0;
            for (Regularizer g : regs) {
                r += g.apply(s.buffer, uu == null ? null : uu.buffer, layer.threshold().value(), cfg.steps(), cfg.batch(),
                        layer.size(), gs.buffer, gu == null ? null : gu.buffer);
            }
            gs.writeBack();
            if (gu != null) gu.writeBack();
            return r;
        }

        Tensor out() { return out; }

        long maskSize() { return mask == null ? 0 : mask.size(); }

        void upload() {
            checkFinite(layer.weight(), layer.weight().value(), "the value");
            w.copyFrom(layer.weight().value());
            if (wRec != null) {
                checkFinite(layer.recurrent(), layer.recurrent().value(), "the value");
                wRec.copyFrom(layer.recurrent().value());
            }
            if (bias != null) {
                checkFinite(layer.bias(), layer.bias().value(), "the value");
                bias.copyFrom(layer.bias().value());
            }
            float[] ts = layer.tauSyn().value(), tm = layer.tauMem().value(), th = layer.threshold().value();
            checkFinite(layer.threshold(), th, "the value");
            double dt = settings.dt();
            int n = layer.size();
            float[] a = new float[n], b = new float[n];
            for (int k = 0; k < n; k++) {
                if (!(dt < ts[k])) LifParams.decay("layer '" + layer.name() + "' tau_syn[" + k + "]", ts[k], dt);  // throws
                if (!(dt < tm[k])) LifParams.decay("layer '" + layer.name() + "' tau_mem[" + k + "]", tm[k], dt);  // throws
                a[k] = (float) Math.exp(-dt / ts[k]);
                b[k] = (float) Math.exp(-dt / tm[k]);
            }
            alpha.copyFrom(a);
            beta.copyFrom(b);
            theta.copyFrom(th);
        }

        LifTensors lifTensors() {
            return new LifTensors(x, wRec, alpha, beta, theta, i0, v0, out, iSave, u, null);
        }

        LiTensors liTensors() {
            return new LiTensors(x, alpha, beta, i0, v0, out, iSave);
        }

        /** Copies gradients into the network's parameters, converting decay gradients to tau gradients. */
        void download() {
            dW.copyTo(layer.weight().grad());
            checkFinite(layer.weight(), layer.weight().grad(), "the gradient");
            if (dWRec != null) {
                dWRec.copyTo(layer.recurrent().grad());
                checkFinite(layer.recurrent(), layer.recurrent().grad(), "the gradient");
            }
            if (dBias != null) {
                dBias.copyTo(layer.bias().grad());
                checkFinite(layer.bias(), layer.bias().grad(), "the gradient");
            }
            float[] ts = layer.tauSyn().value(), tm = layer.tauMem().value();
            float[] gts = layer.tauSyn().grad(), gtm = layer.tauMem().grad(), gth = layer.threshold().grad();
            if (!neuronGrads) {
                // none of them learnable: not formed (see run)
                java.util.Arrays.fill(gts, 0f);
                java.util.Arrays.fill(gtm, 0f);
                java.util.Arrays.fill(gth, 0f);
                return;
            }
            float[] ga = gAlpha.toArray(), gb = gBeta.toArray(), gt = gTheta.toArray(), a = alpha.toArray(), b = beta.toArray();
            double dt = settings.dt();
            for (int k = 0; k < layer.size(); k++) {
                // alpha = exp(-dt/tau): d alpha / d tau = alpha * dt / tau^2
                gts[k] = (float) (ga[k] * a[k] * dt / ((double) ts[k] * ts[k]));
                gtm[k] = (float) (gb[k] * b[k] * dt / ((double) tm[k] * tm[k]));
                gth[k] = lif ? gt[k] : 0f;
            }
            checkFinite(layer.tauSyn(), gts, "the gradient");
            checkFinite(layer.tauMem(), gtm, "the gradient");
            checkFinite(layer.threshold(), gth, "the gradient");
        }
    }

    /**
     * A host view of a tensor for Java code (losses, regularisers): the tensor's own buffer in
     * host memory, a copy otherwise, written back by {@link #writeBack} when it was a copy.
     */
    private static final class HostCopy {
        final Tensor tensor;
        final FloatBuffer buffer;
        final float[] copy;

        private HostCopy(Tensor t, FloatBuffer b, float[] c) {
            tensor = t;
            buffer = b;
            copy = c;
        }

        static HostCopy of(Tensor t) {
            if (t.onHost() && t.dtype() == DType.F32) return new HostCopy(t, t.buffer(), null);
            float[] c = t.toArray();
            return new HostCopy(t, FloatBuffer.wrap(c), c);
        }

        static HostCopy zeros(Tensor t) {
            if (t.onHost()) return new HostCopy(t, t.fill(0f).buffer(), null);
            float[] c = new float[Math.toIntExact(t.size())];
            return new HostCopy(t, FloatBuffer.wrap(c), c);
        }

        void writeBack() {
            if (copy != null) tensor.copyFrom(copy);
        }
    }

    /** Everything one (steps, batch) shape needs, allocated once. */
    private final class Workspace {
        final int steps, batch;
        final Arena arena;
        final Tensor input, ones;
        /** dL/dS (or dL/dU of a readout) of the layer being back-propagated; as wide as the widest layer. */
        final Tensor gradOut;
        final List<LayerWs> layers = new ArrayList<>();
        final boolean[] sparse = new boolean[net.layers().size()];
        final boolean[] sparseGrad = new boolean[net.layers().size()];
        final boolean[] masked = new boolean[net.layers().size()];
        /** Whether a layer's dL/dS was computed inside its own backward (lifBackwardProduct). */
        final boolean[] fused = new boolean[net.layers().size()];
        final double[] maskedFraction = new double[net.layers().size()];

        Workspace(int steps, int batch) {
            this.steps = steps;
            this.batch = batch;
            arena = backend.newArena();
            try {
                input = arena.allocate("input", steps, batch, net.inputs());
                ones = arena.allocate("ones", steps * batch).fill(1f);
                int widest = 1;
                int last = net.layers().size() - 1;
                for (int l = 0; l <= last; l++) {
                    Layer layer = net.layers().get(l);
                    List<Regularizer> regs = regularizers.getOrDefault(l, List.of());
                    // float spikes where Java code reads them (the loss of a spiking readout,
                    // regularisers) and where they are not 0/1 (smooth mode)
                    boolean floatSpikes = l == last || !regs.isEmpty() || settings.smooth();
                    layers.add(new LayerWs(arena, layer, steps, batch, regs, floatSpikes));
                    widest = Math.max(widest, layer.size());
                }
                gradOut = arena.allocate("gradOut", steps, batch, widest);
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }

        void upload() {
            for (LayerWs l : layers) l.upload();
        }

        double penalties() {
            double r = 0;
            for (LayerWs l : layers) r += l.penalties();
            return r;
        }

        /** The loss on the readout; writes dL/dout into gradOut (plus the readout's regulariser gradient). */
        double loss(Loss loss, int[] labels, int[] predictions) {
            LayerWs top = layers.get(layers.size() - 1);
            int c = top.layer.size();
            HostCopy out = HostCopy.of(top.out), grad = HostCopy.zeros(gradOutFor(c));
            double value = loss.evaluate(out.buffer, steps, batch, c, labels, grad.buffer, predictions);
            grad.writeBack();
            return value;
        }

        Tensor inputOf(int l, Tensor input) {
            return l == 0 ? input : layers.get(l - 1).out;
        }

        double inputDensity;

        void forward(Tensor input) {
            int rows = steps * batch;
            // a U8 raster always takes the sparse product, so its density is not needed
            inputDensity = input.dtype() == DType.F32 ? backend.density(input) : 0.0;
            for (int l = 0; l < layers.size(); l++) {
                LayerWs lw = layers.get(l);
                int n = lw.layer.size(), in = lw.layer.inputs();
                Tensor x = inputOf(l, input);
                double density = l == 0 ? inputDensity : layers.get(l - 1).density;
                // X = input @ W (+ 1 b^T) for all steps: the spike-sparse product, or one GEMM
                // (a U8 raster has no GEMM path: it is as wide as it is sparse)
                sparse[l] = density < SPARSE_BELOW || x.dtype() != DType.F32;
                long t0 = System.nanoTime();
                if (sparse[l]) backend.spikeMatmul(rows, in, n, x, 0, lw.w, 0f, lw.x);
                else backend.gemm(false, false, rows, n, in, 1f, x, 0, lw.w, 0, 0f, lw.x, 0);
                if (lw.bias != null) backend.gemm(false, false, rows, n, 1, 1f, ones, 0, lw.bias, 0, 1f, lw.x, 0);
                long t1 = System.nanoTime();
                timings.kernel(lw.layer.name() + ".inputProduct", t1 - t0);
                if (lw.lif) {
                    backend.lifForward(lw.cfg, lw.lifTensors());
                    long t2 = System.nanoTime();
                    timings.kernel(lw.layer.name() + ".lifForward", t2 - t1);
                    lw.spikeCount = backend.sum(lw.out);
                    // 0/1 spikes: the sum is the nonzero count (smooth mode's sigma is dense)
                    lw.density = settings.smooth() ? 1.0 : lw.spikeCount / lw.out.size();
                } else {
                    backend.liForward(lw.shape, lw.liTensors());
                    timings.kernel(lw.layer.name() + ".liForward", System.nanoTime() - t1);
                }
            }
        }

        void backward(Tensor input) {
            int rows = steps * batch;
            LayerWs top = layers.get(layers.size() - 1);
            if (top.regGradS != null) addInto(gradOutFor(top.layer.size()), top.regGradS);
            LayerWs productFrom = null;  // the layer above, when this layer's backward forms its own dL/dS
            for (int l = layers.size() - 1; l >= 0; l--) {
                LayerWs lw = layers.get(l);
                int n = lw.layer.size(), in = lw.layer.inputs();
                Tensor gOut = gradOutFor(n);
                long t0 = System.nanoTime();
                if (lw.lif) {
                    // tau and threshold gradients only when one of them is learnable: the kernel
                    // skips their sums otherwise (a third of the LIF backward on shd-ff)
                    lw.neuronGrads = lw.wantsNeuronGrads();
                    boolean ng = lw.neuronGrads;
                    LifGradTensors grads = new LifGradTensors(gOut, lw.regGradU, lw.gradX, lw.gradI0, lw.gradV0,
                            ng ? lw.gAlpha : null, ng ? lw.gBeta : null, ng ? lw.gTheta : null);
                    if (productFrom != null) {
                        backend.lifBackwardProduct(lw.cfg, lw.lifTensors(), productFrom.gradX, productFrom.w,
                                productFrom.layer.size(), grads);
                    } else {
                        backend.lifBackward(lw.cfg, lw.lifTensors(), grads);
                    }
                    productFrom = null;
                } else {
                    backend.liBackward(lw.shape, lw.liTensors(), new LiGradTensors(gOut, lw.gradX,
                            lw.gradI0, lw.gradV0, lw.gAlpha, lw.gBeta));
                }
                long t1 = System.nanoTime();
                timings.kernel(lw.layer.name() + (lw.lif ? ".lifBackward" : ".liBackward"), t1 - t0);
                // dW = input^T gradX; dBias = 1^T gradX
                Tensor x = inputOf(l, input);
                double density = l == 0 ? inputDensity : layers.get(l - 1).density;
                sparseGrad[l] = density < SPARSE_GRAD_BELOW || x.dtype() != DType.F32;
                if (sparseGrad[l]) backend.spikeMatmulWeightGrad(rows, in, n, x, 0, lw.gradX, 0, 0f, lw.dW);
                else backend.gemm(true, false, in, n, rows, 1f, x, 0, lw.gradX, 0, 0f, lw.dW, 0);
                if (lw.dBias != null) backend.gemm(false, false, 1, n, rows, 1f, ones, 0, lw.gradX, 0, 0f, lw.dBias, 0);
                if (lw.dWRec != null) {
                    // dW_rec[j][n] = sum_{t>=1,b} S[t-1][b][j] gradX[t][b][n]
                    if (steps > 1 && (lw.density < SPARSE_GRAD_BELOW || lw.out.dtype() != DType.F32)) {
                        backend.spikeMatmulWeightGrad((steps - 1) * batch, n, n, lw.out, 0, lw.gradX, (long) batch * n, 0f, lw.dWRec);
                    } else if (steps > 1) {
                        backend.gemm(true, false, n, n, (steps - 1) * batch, 1f, lw.out, 0, lw.gradX, (long) batch * n, 0f, lw.dWRec, 0);
                    } else {
                        lw.dWRec.fill(0f);
                    }
                }
                long t2 = System.nanoTime();
                timings.kernel(lw.layer.name() + ".weightGrad", t2 - t1);
                // gradient into the layer below: dL/dS_{l-1} = gradX W^T
                // (starting from the lower layer's regulariser gradient when it has one)
                if (l > 0) {
                    LayerWs below = layers.get(l - 1);
                    Tensor gBelow = gradOutFor(below.layer.size());
                    // a narrow layer above (a readout) makes the dense product cheap: no mask then
                    boolean consider = below.mask != null && below.regGradS == null && !Boolean.FALSE.equals(maskedPolicy)
                            && (n >= MASKED_MIN_INNER || Boolean.TRUE.equals(maskedPolicy));
                    long needed = consider ? backend.lifSurrogateMask(below.cfg, below.lifTensors(), below.mask) : Long.MAX_VALUE;
                    masked[l - 1] = consider && (Boolean.TRUE.equals(maskedPolicy) || needed < MASKED_BELOW * below.maskSize());
                    maskedFraction[l - 1] = needed == Long.MAX_VALUE ? 1.0 : needed / (double) below.maskSize();
                    // a narrow layer above (a readout): the layer below forms gradX W^T row by row
                    // inside its backward, and the [T][B][N] product is never stored
                    fused[l - 1] = !masked[l - 1] && below.lif && below.regGradS == null
                            && n <= Backend.LIF_PRODUCT_MAX_INNER;
                    if (masked[l - 1]) {
                        // only where the layer below will multiply it by a nonzero surrogate derivative
                        backend.maskedMatmul(rows, n, in, lw.gradX, lw.w, below.mask, gBelow);
                    } else if (fused[l - 1]) {
                        productFrom = lw;
                    } else {
                        if (below.regGradS != null) gBelow.copyFrom(below.regGradS);
                        backend.gemm(false, true, rows, in, n, 1f, lw.gradX, 0, lw.w, 0, below.regGradS != null ? 1f : 0f, gBelow, 0);
                    }
                    if (!fused[l - 1]) timings.kernel(lw.layer.name() + ".gradInput", System.nanoTime() - t2);
                }
                lw.download();
            }
        }

        /** gradOut as a [T][B][n] tensor for a layer of n neurons (views made once per width). */
        private final java.util.Map<Integer, Tensor> views = new java.util.HashMap<>();

        private Tensor gradOutFor(int n) {
            return views.computeIfAbsent(n, k -> gradOut.view("gradOut[" + k + "]", steps, batch, k));
        }

        private void addInto(Tensor dst, Tensor src) {
            float[] d = dst.toArray(), s = src.toArray();
            for (int k = 0; k < s.length; k++) d[k] += s[k];
            dst.copyFrom(d);
        }
    }
}
