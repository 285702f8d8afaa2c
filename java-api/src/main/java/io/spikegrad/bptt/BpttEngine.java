package io.spikegrad.bptt;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.LiGradTensors;
import io.spikegrad.LiTensors;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifParams;
import io.spikegrad.LifTensors;
import io.spikegrad.Shape;
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
 * Surrogate-gradient BPTT of a {@link Network} on a {@link Backend}: per layer one GEMM for
 * the input currents of all steps, the fused LIF (or LI) kernel over all steps, then the
 * reverse pass with GEMMs for weight and input gradients. Gradients land in each
 * {@link Parameter#grad()}, including tau_mem, tau_syn and threshold (learnable or not).
 *
 * <p>Tensors are allocated once per (steps, batch) shape and reused; close the engine to
 * free them. Not thread-safe.
 */
public final class BpttEngine implements AutoCloseable {
    private final Network net;
    private final Backend backend;
    private final BpttSettings settings;
    /** Workspaces by shape, most recent first; two cover full batches plus a last partial one. */
    private final java.util.ArrayDeque<Workspace> workspaces = new java.util.ArrayDeque<>();
    private Workspace ws;
    /**
     * Inputs sparser than this go through the spike-sparse forward product instead of a
     * dense GEMM; {@link #SPARSE_GRAD_BELOW} likewise for the weight gradient. Crossovers
     * measured with SpikeMatmulBench (6400 x 700 x 256, 2 threads) on the otherwise idle
     * 2-core development machine, where OpenBLAS reaches ~300 GFLOP/s with AVX-512: forward
     * about 0.08, weight gradient about 0.02 (README).
     */
    public static final double SPARSE_BELOW = 0.08;
    public static final double SPARSE_GRAD_BELOW = 0.02;
    /** Per layer: whether the last run used the sparse kernels for its input. */
    private boolean[] lastSparse = new boolean[0];
    /** Regularisers per layer index (LIF layers only). */
    private final java.util.Map<Integer, List<Regularizer>> regularizers = new java.util.HashMap<>();

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
     * Result of one pass. {@code loss} includes the regularisers, {@code penalty} is their
     * part; {@code spikeCounts[l]} is the total spike count of layer l over the batch.
     */
    public record Result(double loss, double penalty, int[] predictions, double[] spikeCounts) {}

    public Network network() { return net; }

    public BpttSettings settings() { return settings; }

    /**
     * Forward pass, loss, and (when {@code backward}) the gradients of every parameter.
     *
     * @param input  [T][B][inputs] input spikes (or currents) per step, time-major
     * @param labels [B] class labels for the loss
     */
    public Result run(float[] input, int steps, int batch, Loss loss, int[] labels, boolean backward) {
        if (input.length != (long) steps * batch * net.inputs()) {
            throw new IllegalArgumentException("input must have shape [T][B][inputs] = [" + steps + "][" + batch + "]["
                    + net.inputs() + "] = " + ((long) steps * batch * net.inputs()) + " values, got " + input.length);
        }
        if (labels.length != batch) throw new IllegalArgumentException("labels must have " + batch + " entries, got " + labels.length);
        Layer readout = net.readout();
        Loss.Signal want = readout.kind() == Layer.Kind.LIF ? Loss.Signal.SPIKES : Loss.Signal.MEMBRANE;
        if (loss.signal() != want) {
            throw new IllegalArgumentException("loss " + loss.name() + " reads " + loss.signal() + " but the readout '" + readout.name()
                    + "' is " + readout.kind() + " (gives " + want + ")");
        }
        Workspace w = workspace(steps, batch);
        w.upload();
        w.input.copyFrom(input);
        w.forward();
        lastSparse = w.sparse.clone();
        LayerWs top = w.layers.get(w.layers.size() - 1);
        int[] predictions = new int[batch];
        double value = loss.evaluate(top.out().buffer(), steps, batch, readout.size(), labels, top.gradOut.buffer(), predictions);
        double penalty = w.penalties();
        if (backward) w.backward();
        double[] counts = new double[w.layers.size()];
        for (int l = 0; l < counts.length; l++) counts[l] = w.layers.get(l).lif ? sum(w.layers.get(l).out()) : 0;
        return new Result(value + penalty, penalty, predictions, counts);
    }

    /** The readout activity of the last pass ([T][B][C]: spikes or membrane); valid until the next run. */
    public Tensor lastReadout() {
        if (ws == null) throw new IllegalStateException("run() has not been called");
        return ws.layers.get(ws.layers.size() - 1).out();
    }

    /** The spikes of layer {@code l} in the last pass ([T][B][N]); valid until the next run. */
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

    /** For each layer, whether the last pass used the spike-sparse kernels for its input. */
    public boolean[] lastSparse() {
        return lastSparse.clone();
    }

    /** Bytes of tensors this engine holds (for memory reports). */
    public long bytes() {
        long b = 0;
        for (Workspace w : workspaces) b += w.arena.bytes();
        return b;
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

    private static double minOf(Parameter p) {
        double m = Double.POSITIVE_INFINITY;
        for (float v : p.value()) m = Math.min(m, v);
        return m;
    }

    private static void addInto(Tensor dst, Tensor src) {
        FloatBuffer d = dst.buffer(), s = src.buffer();
        for (int k = 0; k < dst.size(); k++) d.put(k, d.get(k) + s.get(k));
    }

    private static double sum(Tensor t) {
        FloatBuffer b = t.buffer();
        double s = 0;
        for (int k = 0; k < t.size(); k++) s += b.get(k);
        return s;
    }

    /** Device tensors of one layer for one (steps, batch) shape. */
    private final class LayerWs {
        final Layer layer;
        final boolean lif;
        final LifKernelConfig cfg;
        final Shape shape;
        final Tensor w, wRec, bias, alpha, beta, theta, i0, v0, x, out, iSave;
        final Tensor gradOut, gradX, gradI0, gradV0, gAlpha, gBeta, gTheta, dW, dWRec, dBias;
        /** Regularisers of this layer, their dR/dS and (when one needs it) U and dR/dU; empty/null otherwise. */
        final List<Regularizer> regs;
        final Tensor u, regGradS, regGradU;

        LayerWs(Arena a, Layer l, int steps, int batch, List<Regularizer> regs) {
            this.regs = regs;
            layer = l;
            lif = l.kind() == Layer.Kind.LIF;
            int n = l.size(), in = l.inputs();
            String p = l.name() + ".";
            LifParams lp = l.params();
            cfg = new LifKernelConfig(steps, batch, n, lp.reset(), lp.vReset(), settings.surrogate(), settings.detachReset(), settings.smooth());
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
            out = a.allocate(p + (lif ? "spikes" : "u"), steps, batch, n);
            iSave = a.allocate(p + "iSave", steps, batch, n);
            gradOut = a.allocate(p + (lif ? "gradSpikes" : "gradU"), steps, batch, n);
            gradX = a.allocate(p + "gradX", steps, batch, n);
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
        }

        /** Evaluates this layer's regularisers into regGradS / regGradU; returns their sum. */
        double penalties() {
            if (regs.isEmpty()) return 0;
            regGradS.fill(0f);
            if (regGradU != null) regGradU.fill(0f);
            double r = 0;
            for (Regularizer g : regs) {
                r += g.apply(out.buffer(), u == null ? null : u.buffer(), layer.threshold().value(), cfg.steps(), cfg.batch(),
                        layer.size(), regGradS.buffer(), regGradU == null ? null : regGradU.buffer());
            }
            return r;
        }

        Tensor out() { return out; }

        void upload() {
            w.copyFrom(layer.weight().value());
            if (wRec != null) wRec.copyFrom(layer.recurrent().value());
            if (bias != null) bias.copyFrom(layer.bias().value());
            float[] ts = layer.tauSyn().value(), tm = layer.tauMem().value(), th = layer.threshold().value();
            double dt = settings.dt();
            for (int k = 0; k < layer.size(); k++) {
                if (!(dt < ts[k])) LifParams.decay("layer '" + layer.name() + "' tau_syn[" + k + "]", ts[k], dt);  // throws
                if (!(dt < tm[k])) LifParams.decay("layer '" + layer.name() + "' tau_mem[" + k + "]", tm[k], dt);  // throws
                alpha.set(k, (float) Math.exp(-dt / ts[k]));
                beta.set(k, (float) Math.exp(-dt / tm[k]));
                theta.set(k, th[k]);
            }
        }

        LifTensors lifTensors() {
            return new LifTensors(x, wRec, alpha, beta, theta, i0, v0, out, iSave, u, null);
        }

        LiTensors liTensors() {
            return new LiTensors(x, alpha, beta, i0, v0, out, iSave);
        }

        /** Copies gradients into the network's parameters, converting decay gradients to tau gradients. */
        void download() {
            dW.buffer().get(layer.weight().grad());
            if (dWRec != null) dWRec.buffer().get(layer.recurrent().grad());
            if (dBias != null) dBias.buffer().get(layer.bias().grad());
            float[] ts = layer.tauSyn().value(), tm = layer.tauMem().value();
            float[] gts = layer.tauSyn().grad(), gtm = layer.tauMem().grad(), gth = layer.threshold().grad();
            double dt = settings.dt();
            for (int k = 0; k < layer.size(); k++) {
                // alpha = exp(-dt/tau): d alpha / d tau = alpha * dt / tau^2
                gts[k] = (float) (gAlpha.get(k) * alpha.get(k) * dt / ((double) ts[k] * ts[k]));
                gtm[k] = (float) (gBeta.get(k) * beta.get(k) * dt / ((double) tm[k] * tm[k]));
                gth[k] = lif ? gTheta.get(k) : 0f;
            }
        }
    }

    /** Everything one (steps, batch) shape needs, allocated once. */
    private final class Workspace {
        final int steps, batch;
        final Arena arena;
        final Tensor input, ones;
        final List<LayerWs> layers = new ArrayList<>();

        Workspace(int steps, int batch) {
            this.steps = steps;
            this.batch = batch;
            arena = backend.newArena();
            try {
                input = arena.allocate("input", steps, batch, net.inputs());
                ones = arena.allocate("ones", steps * batch).fill(1f);
                for (int l = 0; l < net.layers().size(); l++) {
                    layers.add(new LayerWs(arena, net.layers().get(l), steps, batch, regularizers.getOrDefault(l, List.of())));
                }
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

        Tensor inputOf(int l) {
            return l == 0 ? input : layers.get(l - 1).out;
        }

        final boolean[] sparse = new boolean[net.layers().size()];
        final double[] density = new double[net.layers().size()];

        void forward() {
            int rows = steps * batch;
            for (int l = 0; l < layers.size(); l++) {
                LayerWs lw = layers.get(l);
                int n = lw.layer.size(), in = lw.layer.inputs();
                // X = input @ W (+ 1 b^T) for all steps: one GEMM, or the spike-sparse product
                density[l] = backend.density(inputOf(l));
                sparse[l] = density[l] < SPARSE_BELOW;
                if (sparse[l]) backend.spikeMatmul(rows, in, n, inputOf(l), 0, lw.w, 0f, lw.x);
                else backend.gemm(false, false, rows, n, in, 1f, inputOf(l), 0, lw.w, 0, 0f, lw.x, 0);
                if (lw.bias != null) backend.gemm(false, false, rows, n, 1, 1f, ones, 0, lw.bias, 0, 1f, lw.x, 0);
                if (lw.lif) backend.lifForward(lw.cfg, lw.lifTensors());
                else backend.liForward(lw.shape, lw.liTensors());
            }
        }

        void backward() {
            int rows = steps * batch;
            LayerWs top = layers.get(layers.size() - 1);
            if (top.regGradS != null) addInto(top.gradOut, top.regGradS);  // the loss overwrote gradOut
            for (int l = layers.size() - 1; l >= 0; l--) {
                LayerWs lw = layers.get(l);
                int n = lw.layer.size(), in = lw.layer.inputs();
                if (lw.lif) {
                    backend.lifBackward(lw.cfg, lw.lifTensors(), new LifGradTensors(lw.gradOut, lw.regGradU, lw.gradX,
                            lw.gradI0, lw.gradV0, lw.gAlpha, lw.gBeta, lw.gTheta));
                } else {
                    backend.liBackward(lw.shape, lw.liTensors(), new LiGradTensors(lw.gradOut, lw.gradX,
                            lw.gradI0, lw.gradV0, lw.gAlpha, lw.gBeta));
                }
                // dW = input^T gradX; dBias = 1^T gradX
                if (density[l] < SPARSE_GRAD_BELOW) backend.spikeMatmulWeightGrad(rows, in, n, inputOf(l), 0, lw.gradX, 0, 0f, lw.dW);
                else backend.gemm(true, false, in, n, rows, 1f, inputOf(l), 0, lw.gradX, 0, 0f, lw.dW, 0);
                if (lw.dBias != null) backend.gemm(false, false, 1, n, rows, 1f, ones, 0, lw.gradX, 0, 0f, lw.dBias, 0);
                if (lw.dWRec != null) {
                    // dW_rec[j][n] = sum_{t>=1,b} S[t-1][b][j] gradX[t][b][n]
                    if (steps > 1 && backend.density(lw.out) < SPARSE_GRAD_BELOW) {
                        backend.spikeMatmulWeightGrad((steps - 1) * batch, n, n, lw.out, 0, lw.gradX, (long) batch * n, 0f, lw.dWRec);
                    } else if (steps > 1) {
                        backend.gemm(true, false, n, n, (steps - 1) * batch, 1f, lw.out, 0, lw.gradX, (long) batch * n, 0f, lw.dWRec, 0);
                    } else {
                        lw.dWRec.fill(0f);
                    }
                }
                // gradient into the layer below: dL/dS_{l-1} = gradX W^T
                // (starting from the lower layer's regulariser gradient when it has one)
                if (l > 0) {
                    LayerWs below = layers.get(l - 1);
                    if (below.regGradS != null) below.gradOut.copyFrom(below.regGradS);
                    backend.gemm(false, true, rows, in, n, 1f, lw.gradX, 0, lw.w, 0, below.regGradS != null ? 1f : 0f, below.gradOut, 0);
                }
                lw.download();
            }
        }
    }
}
