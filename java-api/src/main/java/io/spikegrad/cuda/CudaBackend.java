package io.spikegrad.cuda;

import io.spikegrad.Arena;
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
 * The CUDA backend: one device, one stream, one cuBLAS handle per instance. Tensors live in
 * device memory ({@link CudaMemory}, cudaMalloc); kernels come from kernels-cuda/ and run
 * asynchronously on the stream, GEMMs through cuBLAS on the same stream; copies to and from the
 * host (Tensor.copyFrom/copyTo/toArray) wait for everything queued before them. Every failure
 * becomes an exception naming the call ({@link NativeException}: the CUDA call and its error text).
 *
 * <p>Not thread-safe (as every backend): use one instance per thread.
 */
public final class CudaBackend extends AbstractBackend {
    private final long ctx;
    private final CudaMemory memory;
    private final Cublas blas;
    private final CudaRuntime.LifConfig config = new CudaRuntime.LifConfig();
    private boolean released;

    CudaBackend(int device) {
        long[] out = new long[1];
        int st = CudaRuntime.sg_cuda_context_create(device, out);
        if (st != 0) throw new NativeException("sg_cuda_context_create", st, CudaRuntime.sg_cuda_last_error());
        ctx = out[0];
        memory = new CudaMemory(ctx);
        Cublas b;
        try {
            b = new Cublas(device, CudaRuntime.sg_cuda_context_stream(ctx));
        } catch (RuntimeException | LinkageError e) {
            CudaRuntime.sg_cuda_context_destroy(ctx);
            config.close();
            throw e;
        }
        blas = b;
    }

    @Override
    public String name() { return "cuda"; }

    /** One stream per backend; the host threads of other backends are not involved. */
    @Override
    public int threads() { return 1; }

    @Override
    public Arena newArena() {
        checkOpen();
        return new Arena(this, memory);
    }

    /** Waits until every kernel and GEMM queued on this backend's stream has finished (benchmarks, timing). */
    public void synchronize() {
        checkOpen();
        check("sg_cuda_synchronize", CudaRuntime.sg_cuda_synchronize(ctx));
    }

    /** The native context (stream, scratch) for this package's other kernels. */
    long context() {
        checkOpen();
        return ctx;
    }

    @Override
    protected long countNonFinite(Tensor t) {
        return (long) reduce(t, 2);
    }

    @Override
    protected long doCountNonzero(Tensor t) {
        return (long) reduce(t, 0);
    }

    @Override
    protected double doSum(Tensor t) {
        return reduce(t, 1);
    }

    private double reduce(Tensor t, int kind) {
        double[] r = new double[1];
        check("sg_reduce_cuda", CudaRuntime.sg_reduce_cuda(ctx, t.address(), t.dtype().code(), t.size(), kind, r));
        return r[0];
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset) {
        blas.sgemm(transA, transB, m, n, k, alpha, a.address() + 4 * aOffset, b.address() + 4 * bOffset, beta,
                c.address() + 4 * cOffset);
    }

    @Override
    protected void doSpikeMatmul(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor w, float beta, Tensor out) {
        check("sg_spike_matmul_cuda", CudaRuntime.sg_spike_matmul_cuda(ctx, rows, inputs, outputs,
                x.address() + x.dtype().bytes() * xOffset, x.dtype().code(), w.address(), beta, out.address()));
    }

    @Override
    protected void doSpikeMatmulWeightGrad(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor g, long gOffset,
                                           float beta, Tensor dw) {
        check("sg_spike_matmul_weight_grad_cuda", CudaRuntime.sg_spike_matmul_weight_grad_cuda(ctx, rows, inputs, outputs,
                x.address() + x.dtype().bytes() * xOffset, x.dtype().code(), g.address() + 4 * gOffset, beta, dw.address()));
    }

    @Override
    protected void doLifForward(LifKernelConfig c, LifTensors t) {
        fill(c).spike_dtype(t.spikes().dtype().code());
        check("sg_lif_forward_cuda", CudaRuntime.sg_lif_forward_cuda(ctx, config, t.x().address(), addr(t.wRec()),
                t.alpha().address(), t.beta().address(), t.theta().address(), t.i0().address(), t.v0().address(),
                t.spikes().address(), t.iSave().address(), addr(t.u()), addr(t.vLast())));
    }

    @Override
    protected void doLifBackward(LifKernelConfig c, LifTensors t, LifGradTensors g) {
        fill(c);
        check("sg_lif_backward_cuda", CudaRuntime.sg_lif_backward_cuda(ctx, config, addr(t.wRec()),
                t.alpha().address(), t.beta().address(), t.theta().address(), t.i0().address(), t.v0().address(),
                t.iSave().address(), g.gradSpikes().address(), addr(g.gradU()), g.gradX().address(),
                g.gradI0().address(), g.gradV0().address(), addr(g.gradAlpha()), addr(g.gradBeta()),
                addr(g.gradTheta())));
    }

    @Override
    protected long doLifSurrogateMask(LifKernelConfig c, LifTensors t, Tensor mask) {
        long[] count = new long[1];
        check("sg_lif_surrogate_mask_cuda", CudaRuntime.sg_lif_surrogate_mask_cuda(ctx, fill(c), t.beta().address(), t.theta().address(),
                t.v0().address(), t.iSave().address(), mask.address(), count));
        return count[0];
    }

    @Override
    protected void doMaskedMatmul(int rows, int inner, int cols, Tensor a, Tensor b, Tensor mask, Tensor out) {
        check("sg_masked_matmul_cuda", CudaRuntime.sg_masked_matmul_cuda(ctx, rows, inner, cols, a.address(), b.address(), mask.address(), out.address()));
    }

    @Override
    protected void doLiForward(Shape sh, LiTensors t) {
        check("sg_li_forward_cuda", CudaRuntime.sg_li_forward_cuda(ctx, sh.steps(), sh.batch(), sh.neurons(), t.x().address(),
                t.alpha().address(), t.beta().address(), t.i0().address(), t.u0().address(),
                t.u().address(), t.iSave().address()));
    }

    @Override
    protected void doLiBackward(Shape sh, LiTensors t, LiGradTensors g) {
        check("sg_li_backward_cuda", CudaRuntime.sg_li_backward_cuda(ctx, sh.steps(), sh.batch(), sh.neurons(),
                t.alpha().address(), t.beta().address(), t.i0().address(), t.u0().address(),
                t.u().address(), t.iSave().address(), g.gradU().address(), g.gradX().address(),
                g.gradI0().address(), g.gradU0().address(), g.gradAlpha().address(), g.gradBeta().address()));
    }

    @Override
    public void close() {
        super.close();
        if (released) return;
        released = true;
        blas.close();
        config.close();
        memory.release();
        check("sg_cuda_context_destroy", CudaRuntime.sg_cuda_context_destroy(ctx));
    }

    private CudaRuntime.LifConfig fill(LifKernelConfig c) {
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
        if (status != 0) {
            throw new NativeException(call, status, status == 7 ? CudaRuntime.sg_cuda_last_error() : Status.text(status));
        }
    }
}
