package io.spikegrad.spi;

import io.spikegrad.Arena;
import io.spikegrad.Backend;
import io.spikegrad.DType;
import io.spikegrad.LiGradTensors;
import io.spikegrad.LiTensors;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifTensors;
import io.spikegrad.Shape;
import io.spikegrad.Tensor;

/**
 * Validates every call once for all backends, then hands it to the {@code do*} methods.
 * Checks: every tensor is present where required, belongs to an open arena of this
 * backend, and has the documented size; inputs hold no NaN or infinity; per-neuron
 * alpha and beta lie in (0, 1) (i.e. tau &gt; 0 and dt finite) and thresholds are finite.
 */
public abstract class AbstractBackend implements Backend {

    private boolean closed;
    private boolean scanInputs = true;

    @Override
    public final boolean scanInputs(boolean on) {
        boolean was = scanInputs;
        scanInputs = on;
        return was;
    }

    @Override
    public Arena newArena() {
        checkOpen();
        return new Arena(this);
    }

    @Override
    public final void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset) {
        checkOpen();
        if (m < 1 || n < 1 || k < 1) throw new IllegalArgumentException("gemm: m, n, k must be >= 1, got " + m + ", " + n + ", " + k);
        span("gemm A", a, aOffset, (long) m * k);
        span("gemm B", b, bOffset, (long) k * n);
        span("gemm C", c, cOffset, (long) m * n);
        f32("gemm A", a);
        f32("gemm B", b);
        f32("gemm C", c);
        doGemm(transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }

    @Override
    public final void spikeMatmul(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor w, float beta, Tensor out) {
        checkOpen();
        if (rows < 1 || inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("spikeMatmul: rows, inputs, outputs must be >= 1, got " + rows + ", " + inputs + ", " + outputs);
        }
        span("spikeMatmul x", x, xOffset, (long) rows * inputs);
        bitRows("spikeMatmul x", x, xOffset, inputs);
        span("spikeMatmul w", w, 0, (long) inputs * outputs);
        span("spikeMatmul out", out, 0, (long) rows * outputs);
        f32("spikeMatmul w", w);
        f32("spikeMatmul out", out);
        doSpikeMatmul(rows, inputs, outputs, x, xOffset, w, beta, out);
    }

    @Override
    public final void spikeMatmulWeightGrad(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor g, long gOffset,
                                            float beta, Tensor dw) {
        checkOpen();
        if (rows < 1 || inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("spikeMatmulWeightGrad: rows, inputs, outputs must be >= 1, got " + rows + ", " + inputs + ", " + outputs);
        }
        span("spikeMatmulWeightGrad x", x, xOffset, (long) rows * inputs);
        bitRows("spikeMatmulWeightGrad x", x, xOffset, inputs);
        span("spikeMatmulWeightGrad g", g, gOffset, (long) rows * outputs);
        span("spikeMatmulWeightGrad dw", dw, 0, (long) inputs * outputs);
        f32("spikeMatmulWeightGrad g", g);
        f32("spikeMatmulWeightGrad dw", dw);
        doSpikeMatmulWeightGrad(rows, inputs, outputs, x, xOffset, g, gOffset, beta, dw);
    }

    @Override
    public final double density(Tensor t) {
        checkOpen();
        owned("density", t, "any");
        return doCountNonzero(t) / (double) t.size();
    }

    @Override
    public final double sum(Tensor t) {
        checkOpen();
        owned("sum", t, "any");
        return doSum(t);
    }

    /** Nonzero entries of a tensor (copied to the host); native backends override with a native scan. */
    protected long doCountNonzero(Tensor t) {
        long nz = 0;
        for (float v : t.toArray()) if (v != 0f) nz++;
        return nz;
    }

    /** Sum of the entries of a tensor in index order (copied to the host); native backends override. */
    protected double doSum(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) s += v;
        return s;
    }

    /** Default: the dense GEMM (same result); native backends override with the sparse kernel. */
    protected void doSpikeMatmul(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor w, float beta, Tensor out) {
        doGemm(false, false, rows, outputs, inputs, 1f, x, xOffset, w, 0, beta, out, 0);
    }

    /** Default: the dense GEMM (same result); native backends override with the sparse kernel. */
    protected void doSpikeMatmulWeightGrad(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor g, long gOffset,
                                           float beta, Tensor dw) {
        doGemm(true, false, inputs, outputs, rows, 1f, x, xOffset, g, gOffset, beta, dw, 0);
    }

    @Override
    public final void lifForward(LifKernelConfig c, LifTensors t) {
        checkOpen();
        long step = c.stepTensorSize(), state = c.stateSize(), n = c.neurons();
        String s3 = "[T][B][N] = [" + c.steps() + "][" + c.batch() + "][" + c.neurons() + "]";
        String s2 = "[B][N] = [" + c.batch() + "][" + c.neurons() + "]";
        String s1 = "[N] = [" + c.neurons() + "]";
        input("x", t.x(), step, s3);
        if (t.wRec() != null) input("wRec", t.wRec(), n * n, "[N][N] = [" + n + "][" + n + "]");
        neuronParams(t.alpha(), t.beta(), t.theta(), n, s1);
        input("i0", t.i0(), state, s2);
        input("v0", t.v0(), state, s2);
        owned("spikes", t.spikes(), s3);
        if (t.spikes().size() != step) {
            throw new IllegalArgumentException("spikes must have shape " + s3 + " (" + step + " elements), got "
                    + t.spikes().shapeString() + " (" + t.spikes().size() + " elements)");
        }
        if (c.smooth() && t.spikes().dtype() != DType.F32) {
            throw new IllegalArgumentException("spikes must be F32 in smooth mode (S = sigma(U - theta) is not a byte or a bit), got "
                    + t.spikes().dtype());
        }
        if (!supports(t.spikes().dtype())) {
            throw new IllegalArgumentException("backend " + name() + " does not take " + t.spikes().dtype() + " spike rasters");
        }
        bitRows("spikes", t.spikes(), 0, c.neurons());
        output("iSave", t.iSave(), step, s3);
        inPlace("iSave", t.iSave(), "x", t.x(), true);
        if (t.u() != null) output("u", t.u(), step, s3);
        if (t.vLast() != null) output("vLast", t.vLast(), state, s2);
        doLifForward(c, t);
    }

    @Override
    public final void lifBackward(LifKernelConfig c, LifTensors t, LifGradTensors g) {
        checkLifBackward(c, t, g, true);
        doLifBackward(c, t, g);
    }

    @Override
    public final void lifBackwardProduct(LifKernelConfig c, LifTensors t, Tensor gNext, Tensor wNext, int kNext,
                                         LifGradTensors g) {
        checkLifBackward(c, t, g, false);
        if (kNext < 1 || kNext > LIF_PRODUCT_MAX_INNER) {
            throw new IllegalArgumentException("lifBackwardProduct: kNext must be in [1, " + LIF_PRODUCT_MAX_INNER + "], got " + kNext);
        }
        input("gNext", gNext, c.stepTensorSize() / c.neurons() * kNext,
                "[T][B][kNext] = [" + c.steps() + "][" + c.batch() + "][" + kNext + "]");
        input("wNext", wNext, (long) c.neurons() * kNext, "[N][kNext] = [" + c.neurons() + "][" + kNext + "]");
        doLifBackwardProduct(c, t, gNext, wNext, kNext, g);
    }

    /**
     * An output that shares memory with the input {@code inName}: allowed for the LIF kernels
     * where {@link #lifInPlace()} says so, never for the LI readout's. Both were checked to be
     * [T][B][N] F32 tensors, and a view starts where its parent does, so memory they share is
     * the whole of both.
     */
    private void inPlace(String outName, Tensor out, String inName, Tensor in, boolean lif) {
        long o = out.address(), i = in.address();
        if (o + out.bytes() <= i || i + in.bytes() <= o) return;  // apart
        if (!lif) {
            throw new IllegalArgumentException(outName + " " + out + " shares memory with " + inName + " " + in
                    + ", but the LI readout kernels never run in place: give " + outName + " a tensor of its own");
        }
        if (!lifInPlace()) {
            throw new IllegalArgumentException(outName + " " + out + " shares memory with " + inName + " " + in + ", but backend "
                    + name() + " does not run its LIF kernels in place (lifInPlace() is false): give " + outName + " a tensor of its own");
        }
    }

    /** The checks of both backwards; gradSpikes is read by lifBackward, only room for lifBackwardProduct. */
    private void checkLifBackward(LifKernelConfig c, LifTensors t, LifGradTensors g, boolean gradSpikesIn) {
        checkOpen();
        long step = c.stepTensorSize(), state = c.stateSize(), n = c.neurons();
        String s3 = "[T][B][N] = [" + c.steps() + "][" + c.batch() + "][" + c.neurons() + "]";
        String s2 = "[B][N] = [" + c.batch() + "][" + c.neurons() + "]";
        String s1 = "[N] = [" + c.neurons() + "]";
        if (t.wRec() != null) output("wRec", t.wRec(), n * n, "[N][N]");
        neuronParams(t.alpha(), t.beta(), t.theta(), n, s1);
        output("i0", t.i0(), state, s2);
        output("v0", t.v0(), state, s2);
        output("iSave", t.iSave(), step, s3);
        if (gradSpikesIn) input("gradSpikes", g.gradSpikes(), step, s3);
        else output("gradSpikes", g.gradSpikes(), step, s3);
        if (g.gradU() != null) input("gradU", g.gradU(), step, s3);
        output("gradX", g.gradX(), step, s3);
        inPlace("gradX", g.gradX(), "iSave", t.iSave(), true);
        output("gradI0", g.gradI0(), state, s2);
        output("gradV0", g.gradV0(), state, s2);
        // the neuron parameters' gradients: all three, or none (not wanted)
        if (g.gradAlpha() != null || g.gradBeta() != null || g.gradTheta() != null) {
            if (g.gradAlpha() == null || g.gradBeta() == null || g.gradTheta() == null) {
                throw new IllegalArgumentException("gradAlpha, gradBeta and gradTheta must be given together or all be null, got "
                        + (g.gradAlpha() == null ? "null" : "a tensor") + ", " + (g.gradBeta() == null ? "null" : "a tensor")
                        + ", " + (g.gradTheta() == null ? "null" : "a tensor"));
            }
            output("gradAlpha", g.gradAlpha(), n, s1);
            output("gradBeta", g.gradBeta(), n, s1);
            output("gradTheta", g.gradTheta(), n, s1);
        }
    }

    @Override
    public final long lifSurrogateMask(LifKernelConfig c, LifTensors t, Tensor mask) {
        checkOpen();
        long step = c.stepTensorSize(), state = c.stateSize(), n = c.neurons();
        String s3 = "[T][B][N] = [" + c.steps() + "][" + c.batch() + "][" + c.neurons() + "]";
        neuronParams(t.alpha(), t.beta(), t.theta(), n, "[N] = [" + n + "]");
        output("v0", t.v0(), state, "[B][N]");
        output("iSave", t.iSave(), step, s3);
        owned("mask", mask, s3);
        if (mask.dtype() != DType.U8 || mask.size() != step) {
            throw new IllegalArgumentException("mask must be a U8 tensor of shape " + s3 + ", got " + mask + " (" + mask.dtype() + ")");
        }
        return doLifSurrogateMask(c, t, mask);
    }

    @Override
    public final void maskedMatmul(int rows, int inner, int cols, Tensor a, Tensor b, Tensor mask, Tensor out) {
        checkOpen();
        if (rows < 1 || inner < 1 || cols < 1) {
            throw new IllegalArgumentException("maskedMatmul: rows, inner, cols must be >= 1, got " + rows + ", " + inner + ", " + cols);
        }
        span("maskedMatmul a", a, 0, (long) rows * inner);
        span("maskedMatmul b", b, 0, (long) cols * inner);
        span("maskedMatmul mask", mask, 0, (long) rows * cols);
        span("maskedMatmul out", out, 0, (long) rows * cols);
        f32("maskedMatmul a", a);
        f32("maskedMatmul b", b);
        f32("maskedMatmul out", out);
        if (mask.dtype() != DType.U8) throw new IllegalArgumentException("maskedMatmul mask (" + mask + ") must be U8, got " + mask.dtype());
        doMaskedMatmul(rows, inner, cols, a, b, mask, out);
    }

    /** Backends that support the sparse backward override this. */
    protected long doLifSurrogateMask(LifKernelConfig c, LifTensors t, Tensor mask) {
        throw new UnsupportedOperationException("backend " + name() + " has no surrogate-mask kernel; the sparse backward"
                + " (a compact surrogate or gradCutoff > 0 with masked products) needs one");
    }

    /** Default: on host copies, sums in index order (double accumulation); native backends override. */
    protected void doMaskedMatmul(int rows, int inner, int cols, Tensor a, Tensor b, Tensor mask, Tensor out) {
        float[] av = a.toArray(), bv = b.toArray(), mv = mask.toArray();
        float[] o = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) {
                if (mv[r * cols + j] == 0f) continue;
                double s = 0;
                for (int c = 0; c < inner; c++) s += (double) av[r * inner + c] * bv[j * inner + c];
                o[r * cols + j] = (float) s;
            }
        if (out.size() == o.length) out.copyFrom(o);
        else for (int k = 0; k < o.length; k++) out.set(k, o[k]);
    }

    @Override
    public final void liForward(Shape sh, LiTensors t) {
        checkOpen();
        long step = (long) sh.steps() * sh.batch() * sh.neurons(), state = (long) sh.batch() * sh.neurons();
        String s3 = "[T][B][N] = [" + sh.steps() + "][" + sh.batch() + "][" + sh.neurons() + "]";
        String s2 = "[B][N]", s1 = "[N] = [" + sh.neurons() + "]";
        input("x", t.x(), step, s3);
        decay("alpha", t.alpha(), sh.neurons(), s1);
        decay("beta", t.beta(), sh.neurons(), s1);
        input("i0", t.i0(), state, s2);
        input("u0", t.u0(), state, s2);
        output("u", t.u(), step, s3);
        output("iSave", t.iSave(), step, s3);
        inPlace("iSave", t.iSave(), "x", t.x(), false);
        doLiForward(sh, t);
    }

    @Override
    public final void liBackward(Shape sh, LiTensors t, LiGradTensors g) {
        checkOpen();
        long step = (long) sh.steps() * sh.batch() * sh.neurons(), state = (long) sh.batch() * sh.neurons();
        String s3 = "[T][B][N]", s2 = "[B][N]", s1 = "[N]";
        decay("alpha", t.alpha(), sh.neurons(), s1);
        decay("beta", t.beta(), sh.neurons(), s1);
        output("i0", t.i0(), state, s2);
        output("u0", t.u0(), state, s2);
        output("u", t.u(), step, s3);
        output("iSave", t.iSave(), step, s3);
        input("gradU", g.gradU(), step, s3);
        output("gradX", g.gradX(), step, s3);
        inPlace("gradX", g.gradX(), "iSave", t.iSave(), false);
        output("gradI0", g.gradI0(), state, s2);
        output("gradU0", g.gradU0(), state, s2);
        output("gradAlpha", g.gradAlpha(), sh.neurons(), s1);
        output("gradBeta", g.gradBeta(), sh.neurons(), s1);
        doLiBackward(sh, t, g);
    }

    @Override
    public void close() {
        closed = true;
    }

    protected abstract void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset);

    protected abstract void doLifForward(LifKernelConfig c, LifTensors t);

    protected abstract void doLifBackward(LifKernelConfig c, LifTensors t, LifGradTensors g);

    /**
     * {@link #lifBackwardProduct} after the checks. This default computes the product into
     * {@code g.gradSpikes()} with the backend's own gemm, then runs the backward; a backend
     * that can fuse the two overrides it.
     */
    protected void doLifBackwardProduct(LifKernelConfig c, LifTensors t, Tensor gNext, Tensor wNext, int kNext,
                                        LifGradTensors g) {
        doGemm(false, true, (int) (c.stepTensorSize() / c.neurons()), c.neurons(), kNext, 1f, gNext, 0, wNext, 0, 0f,
                g.gradSpikes(), 0);
        doLifBackward(c, t, g);
    }

    protected abstract void doLiForward(Shape sh, LiTensors t);

    protected abstract void doLiBackward(Shape sh, LiTensors t, LiGradTensors g);

    /**
     * Number of NaN or infinite values in the tensor (copied to the host when it lives on a
     * device); backends may override with a native scan.
     */
    protected long countNonFinite(Tensor t) {
        float[] v = t.toArray();
        long bad = 0;
        for (float x : v) if (!Float.isFinite(x)) bad++;
        return bad;
    }

    protected final void checkOpen() {
        if (closed) throw new IllegalStateException("backend " + name() + " is closed");
    }

    private void owned(String arg, Tensor t, String shape) {
        if (t == null) throw new IllegalArgumentException(arg + " is required (shape " + shape + ")");
        if (t.arena().owner() != this) {
            throw new IllegalArgumentException(arg + " (" + t + ") comes from an arena of another backend ("
                    + (t.arena().owner() == null ? "none" : t.arena().owner().name())
                    + "); allocate it from an arena of this " + name() + " backend");
        }
        if (!t.arena().isOpen()) throw new IllegalArgumentException(arg + " (" + t + ") belongs to a closed arena");
    }

    private void output(String arg, Tensor t, long size, String shape) {
        owned(arg, t, shape);
        f32(arg, t);
        if (t.size() != size) {
            throw new IllegalArgumentException(arg + " must have shape " + shape + " (" + size + " elements), got "
                    + t.shapeString() + " (" + t.size() + " elements)");
        }
    }

    private void input(String arg, Tensor t, long size, String shape) {
        output(arg, t, size, shape);
        if (!scanInputs) return;
        long bad = countNonFinite(t);
        if (bad > 0) throw new IllegalArgumentException(arg + " holds " + bad + " NaN or infinite value(s); inputs must be finite");
    }

    /** A BIT operand must be packed in rows of the product's width, read from a row start. */
    private void bitRows(String arg, Tensor t, long offset, int rowLength) {
        if (t.dtype() != DType.BIT) return;
        if (!supports(DType.BIT)) throw new IllegalArgumentException("backend " + name() + " does not take BIT tensors (" + arg + ")");
        if (t.rowLength() != rowLength || offset % rowLength != 0) {
            throw new IllegalArgumentException(arg + " (" + t + ") is a BIT raster packed in rows of " + t.rowLength()
                    + "; it must be read in rows of " + rowLength + " from a row start (offset " + offset + ")");
        }
    }

    private static void f32(String arg, Tensor t) {
        if (t.dtype() != DType.F32) throw new IllegalArgumentException(arg + " (" + t + ") must be an F32 tensor, got " + t.dtype());
    }

    private void span(String arg, Tensor t, long offset, long count) {
        owned(arg, t, "at least " + count + " elements");
        if (offset < 0 || offset + count > t.size()) {
            throw new IllegalArgumentException(arg + ": elements [" + offset + ", " + (offset + count) + ") lie outside "
                    + t + " of " + t.size() + " elements");
        }
    }

    private void neuronParams(Tensor alpha, Tensor beta, Tensor theta, long n, String s1) {
        decay("alpha", alpha, n, s1);
        decay("beta", beta, n, s1);
        input("theta", theta, n, s1);
    }

    /** alpha = exp(-dt/tau) lies in (0, 1) exactly when tau &gt; 0 and 0 &lt; dt &lt; infinity. */
    private void decay(String arg, Tensor t, long n, String s1) {
        input(arg, t, n, s1);
        // with the scans off the caller vouches for its values (BpttEngine derives alpha and
        // beta from taus it has checked); skipping saves a device-to-host copy per call
        if (!scanInputs) return;
        float[] b = t.toArray();  // [N]: small; works for device tensors too
        for (int k = 0; k < n; k++) {
            float v = b[k];
            if (!(v > 0f && v < 1f)) {
                throw new IllegalArgumentException(arg + "[" + k + "] = " + v + " must lie in (0, 1): it is exp(-dt/tau), "
                        + "so tau must be > 0 and dt > 0 and not much smaller than float resolution allows");
            }
        }
    }
}
