package io.spikegrad.cpu;

import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import io.spikegrad.diffsyn.SimulationDivergedException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One call of the differentiable-synapse kernels, the CPU's ({@code sg_diffsyn_forward[_backward]})
 * and the GPU's ({@code _cuda}) alike: the host buffers in diffsyn.h's order, and the step back
 * from the outputs to a {@link DiffSynResult}. Buffers the call does not use (no W of a kind, no
 * error weights, no readout or raster asked for, no gradients) are null. Create it inside a
 * {@code PointerScope}: the buffers are freed with the scope.
 */
public final class DiffSynBuffers {
    /** Inputs, in the C call's order: W_fast, W_slow, U, I_0, O, x, target, weight, v0. */
    public final DoublePointer wFast, wSlow, u, i0, o, x, target, weight, v0;
    /** Outputs: per-sample loss [B], readout [T][B][R], raster [T][B][N], crossings per neuron [B][N]. */
    public final DoublePointer loss, readout;
    public final BytePointer spikes;
    public final IntPointer counts;
    /** Gradient outputs (null without gradients) and the kernel's diagnostics of a divergence [5]. */
    public final DoublePointer gWFast, gWSlow, gU, gI0, gO, gV0, diag;

    private final int steps, batch, neurons, outputs;
    private final DiffSynParams gradient;

    /** Checks the call ({@link DiffSynEngine#check}) and lays it out. */
    public DiffSynBuffers(DiffSynModel m, DiffSynParams p, DiffSynBatch b, DiffSynEngine.Request req) {
        DiffSynEngine.check(m, p, b);
        steps = b.steps();
        batch = b.batch();
        neurons = m.neurons();
        outputs = m.outputs();
        final long T = steps, B = batch, N = neurons, R = outputs;
        wFast = in(p.wFast());
        wSlow = in(p.wSlow());
        u = in(p.u());
        i0 = in(p.i0());
        o = in(p.o());
        x = in(b.x());
        target = in(b.target());
        weight = in(b.weight());
        v0 = in(b.v0());
        loss = new DoublePointer(B);
        readout = req.readout() ? new DoublePointer(T * B * R) : null;
        spikes = req.spikes() ? new BytePointer(T * B * N) : null;
        counts = new IntPointer(B * N);
        gradient = req.gradients() ? DiffSynParams.zeros(m) : null;
        gWFast = gradient == null ? null : out(gradient.wFast());
        gWSlow = gradient == null ? null : out(gradient.wSlow());
        gU = gradient == null ? null : out(gradient.u());
        gI0 = gradient == null ? null : out(gradient.i0());
        gO = gradient == null ? null : out(gradient.o());
        gV0 = gradient == null ? null : new DoublePointer(B * N);
        diag = new DoublePointer(new double[5]);
    }

    /** Whether the call computes gradients (the forward-backward entry point). */
    public boolean gradients() {
        return gradient != null;
    }

    /** The inputs in the C call's order (null where unused). */
    public Pointer[] inputs() {
        return new Pointer[] {wFast, wSlow, u, i0, o, x, target, weight, v0};
    }

    /** The outputs in the C call's order of the forward-backward entry point (null where unused). */
    public Pointer[] outputs() {
        return new Pointer[] {loss, readout, spikes, counts, gWFast, gWSlow, gU, gI0, gO, gV0, diag};
    }

    /**
     * The exception for status 4 when the kernel reported a divergence in {@link #diag} (a runaway
     * or non-finite input current), or null for any other failure.
     */
    public SimulationDivergedException diverged(String engine, int status) {
        double kind = diag.get(0);
        if (status != 4 || !(kind == 1 || kind == 2)) return null;
        return new SimulationDivergedException("diffsyn (" + engine + ")", (int) diag.get(1), (int) diag.get(2), (int) diag.get(3),
                diag.get(4), kind == 2);
    }

    /** The outputs as a result, after a call that succeeded. */
    public DiffSynResult collect() {
        double[] sampleLoss = new double[batch];
        loss.get(sampleLoss);
        double mean = 0;
        for (double l : sampleLoss) mean += l;
        mean /= batch;
        double[] ro = null;
        if (readout != null) {
            ro = new double[(int) ((long) steps * batch * outputs)];
            readout.get(ro);
        }
        byte[] sp = null;
        if (spikes != null) {
            sp = new byte[(int) ((long) steps * batch * neurons)];
            spikes.get(sp);
        }
        int[] cnt = new int[batch * neurons];
        counts.get(cnt);
        double[] v0Grad = null;
        if (gradient != null) {
            get(gWFast, gradient.wFast());
            get(gWSlow, gradient.wSlow());
            get(gU, gradient.u());
            get(gI0, gradient.i0());
            get(gO, gradient.o());
            v0Grad = new double[batch * neurons];
            gV0.get(v0Grad);
        }
        return new DiffSynResult(mean, sampleLoss, ro, sp, cnt, gradient, v0Grad);
    }

    private static DoublePointer in(double[] a) {
        return a == null ? null : new DoublePointer(a);
    }

    private static DoublePointer out(double[] a) {
        return a == null ? null : new DoublePointer(a.length);
    }

    private static void get(DoublePointer p, double[] a) {
        if (p != null) p.get(a);
    }
}
