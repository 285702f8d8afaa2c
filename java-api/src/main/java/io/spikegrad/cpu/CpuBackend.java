package io.spikegrad.cpu;

import io.spikegrad.LiGradTensors;
import io.spikegrad.LiTensors;
import io.spikegrad.LifGradTensors;
import io.spikegrad.LifKernelConfig;
import io.spikegrad.LifTensors;
import io.spikegrad.NativeException;
import io.spikegrad.Shape;
import io.spikegrad.Tensor;
import io.spikegrad.spi.AbstractBackend;

/**
 * The native CPU backend: kernels from kernels-cpu/, GEMMs through OpenBLAS. Kernel
 * threads and OpenBLAS threads share one budget ({@link #threads()}) and never run at
 * the same time.
 */
public final class CpuBackend extends AbstractBackend {
    private final int threads;
    private final CpuKernels.LifConfig config = new CpuKernels.LifConfig();

    CpuBackend(int threads) {
        this.threads = threads;
        check("sg_set_num_threads", CpuKernels.sg_set_num_threads(threads));
        Blas.init();
    }

    @Override
    public String name() { return "cpu"; }

    @Override
    public boolean supports(io.spikegrad.DType t) { return true; }

    /** The cpu LIF kernels read X[t] (forward) and I[t] (backward) before they write over them (lif.h). */
    @Override
    public boolean lifInPlace() { return true; }

    /** Byte address of element {@code offset} of a sparse operand (a row start for BIT rasters). */
    private static long elementAddress(Tensor x, long offset) {
        if (x.dtype() != io.spikegrad.DType.BIT) return x.address() + x.dtype().bytes() * offset;
        int n = x.rowLength();
        return x.address() + offset / n * io.spikegrad.DType.wordsPerRow(n) * 4L;
    }

    /** Elements to scan for counts: words for BIT rasters (their unused bits are zero). */
    private static long scanLength(Tensor t) {
        return t.dtype() == io.spikegrad.DType.BIT ? t.bytes() / 4 : t.size();
    }

    @Override
    public int threads() { return threads; }

    @Override
    protected long countNonFinite(Tensor t) {
        return CpuKernels.sg_count_nonfinite(t.address(), t.size());
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset) {
        if (!transA && transB && k <= NARROW_INNER && alpha == 1f && beta == 0f) {
            // C = A B^T with a narrow inner size (dL/dS from a readout of 10 or 20): our
            // whole-row kernel (sg_masked_matmul without a mask), over twice OpenBLAS's speed here
            check("sg_masked_matmul", CpuKernels.sg_masked_matmul(m, k, n, a.address() + 4 * aOffset,
                    b.address() + 4 * bOffset, 0L, c.address() + 4 * cOffset));
            return;
        }
        Blas.sgemm(threads, transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }

    /** Inner sizes up to which {@code C = A B^T} takes sg_masked_matmul's whole-row path. */
    static final int NARROW_INNER = 64;

    @Override
    protected void doSpikeMatmul(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor w, float beta, Tensor out) {
        check("sg_spike_matmul", CpuKernels.sg_spike_matmul(rows, inputs, outputs, elementAddress(x, xOffset),
                x.dtype().code(), w.address(), beta, out.address()));
    }

    @Override
    protected void doSpikeMatmulWeightGrad(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor g, long gOffset,
                                           float beta, Tensor dw) {
        check("sg_spike_matmul_weight_grad", CpuKernels.sg_spike_matmul_weight_grad(rows, inputs, outputs,
                elementAddress(x, xOffset), x.dtype().code(), g.address() + 4 * gOffset, beta, dw.address()));
    }

    @Override
    protected long doCountNonzero(Tensor t) {
        return CpuKernels.sg_count_nonzero(t.address(), t.dtype().code(), scanLength(t));
    }

    @Override
    protected double doSum(Tensor t) {
        return CpuKernels.sg_sum(t.address(), t.dtype().code(), scanLength(t));
    }

    @Override
    protected void doLifForward(LifKernelConfig c, LifTensors t) {
        fill(c).spike_dtype(t.spikes().dtype().code());
        check("sg_lif_forward", CpuKernels.sg_lif_forward(config, t.x().address(), addr(t.wRec()),
                t.alpha().address(), t.beta().address(), t.theta().address(), t.i0().address(), t.v0().address(),
                t.spikes().address(), t.iSave().address(), addr(t.u()), addr(t.vLast())));
    }

    @Override
    protected void doLifBackward(LifKernelConfig c, LifTensors t, LifGradTensors g) {
        fill(c);
        check("sg_lif_backward", CpuKernels.sg_lif_backward(config, addr(t.wRec()),
                t.alpha().address(), t.beta().address(), t.theta().address(), t.i0().address(), t.v0().address(),
                t.iSave().address(), g.gradSpikes().address(), addr(g.gradU()), g.gradX().address(),
                g.gradI0().address(), g.gradV0().address(), addr(g.gradAlpha()), addr(g.gradBeta()),
                addr(g.gradTheta())));
    }

    @Override
    protected void doLifBackwardProduct(LifKernelConfig c, LifTensors t, Tensor gNext, Tensor wNext, int kNext,
                                        LifGradTensors g) {
        fill(c);
        check("sg_lif_backward_product", CpuKernels.sg_lif_backward_product(config, addr(t.wRec()), t.alpha().address(),
                t.beta().address(), t.theta().address(), t.i0().address(), t.v0().address(), t.iSave().address(),
                gNext.address(), wNext.address(), kNext, addr(g.gradU()), g.gradX().address(), g.gradI0().address(),
                g.gradV0().address(), addr(g.gradAlpha()), addr(g.gradBeta()), addr(g.gradTheta())));
    }

    @Override
    protected long doLifSurrogateMask(LifKernelConfig c, LifTensors t, Tensor mask) {
        long[] count = new long[1];
        check("sg_lif_surrogate_mask", CpuKernels.sg_lif_surrogate_mask(fill(c), t.beta().address(), t.theta().address(),
                t.v0().address(), t.iSave().address(), mask.address(), count));
        return count[0];
    }

    @Override
    protected void doMaskedMatmul(int rows, int inner, int cols, Tensor a, Tensor b, Tensor mask, Tensor out) {
        check("sg_masked_matmul", CpuKernels.sg_masked_matmul(rows, inner, cols, a.address(), b.address(), mask.address(),
                out.address()));
    }

    @Override
    protected void doLiForward(Shape sh, LiTensors t) {
        check("sg_li_forward", CpuKernels.sg_li_forward(sh.steps(), sh.batch(), sh.neurons(), t.x().address(),
                t.alpha().address(), t.beta().address(), t.i0().address(), t.u0().address(),
                t.u().address(), t.iSave().address()));
    }

    @Override
    protected void doLiBackward(Shape sh, LiTensors t, LiGradTensors g) {
        check("sg_li_backward", CpuKernels.sg_li_backward(sh.steps(), sh.batch(), sh.neurons(),
                t.alpha().address(), t.beta().address(), t.i0().address(), t.u0().address(),
                t.u().address(), t.iSave().address(), g.gradU().address(), g.gradX().address(),
                g.gradI0().address(), g.gradU0().address(), g.gradAlpha().address(), g.gradBeta().address()));
    }

    @Override
    public void close() {
        super.close();
        config.close();
    }

    private CpuKernels.LifConfig fill(LifKernelConfig c) {
        return config.steps(c.steps()).batch(c.batch()).neurons(c.neurons())
                .reset(c.reset().code()).surrogate(c.surrogate().kind().code())
                .scale((float) c.surrogate().scale()).gain((float) c.surrogate().gain())
                .v_reset((float) c.vReset()).detach_reset(c.detachReset() ? 1 : 0).smooth(c.smooth() ? 1 : 0)
                .spike_dtype(0).grad_cutoff((float) c.gradCutoff());
    }

    private static long addr(Tensor t) {
        return t == null ? 0L : t.address();
    }

    private static void check(String call, int status) {
        if (status != 0) throw new NativeException(call, status, CpuKernels.sg_status_string(status));
    }

    /** Loads the native library; throws with the loader's reason when it cannot. */
    static void load() {
        CpuKernels.sg_get_num_threads();
    }
}
