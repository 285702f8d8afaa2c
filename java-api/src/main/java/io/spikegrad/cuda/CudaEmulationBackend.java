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
import io.spikegrad.spi.Memory;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The CUDA kernels emulated on the CPU, as a backend over host tensors: every call runs the
 * same per-thread bodies and launch sequence as the {@code cuda} backend's kernels
 * ({@code native/include/spikegrad/cuda/launch.h}), one thread of the grid after the other.
 * For tests on machines without a GPU (it keeps the kernels' index arithmetic and masking
 * honest); it is not registered as a backend and is slow on purpose: single-threaded, and
 * its GEMM is a plain Java loop accumulating in double.
 *
 * <p>{@link #withDeviceLikeMemory()} makes its arenas behave like the cuda backend's device
 * memory (no host views, every access through copies) while staying in host memory, so code
 * written against device tensors (Tensor staging, engines that copy losses through the host)
 * runs on machines without a GPU too.
 */
public final class CudaEmulationBackend extends AbstractBackend {
    private final CudaEmulation.LifConfig config;
    private final Memory memory;

    /** Arenas in plain host memory. */
    public CudaEmulationBackend() {
        this(Memory.HOST);
    }

    private CudaEmulationBackend(Memory memory) {
        this.memory = memory;
        config = new CudaEmulation.LifConfig();
    }

    /** Arenas whose tensors have no host view, as on the device: Java reaches them only through copies. */
    public static CudaEmulationBackend withDeviceLikeMemory() {
        return new CudaEmulationBackend(new OpaqueMemory());
    }

    @Override
    public Arena newArena() {
        checkOpen();
        return new Arena(this, memory);
    }

    /** Host memory that hides its host view, like CudaMemory. */
    private static final class OpaqueMemory implements Memory {
        @Override public boolean isHost() { return false; }

        @Override
        public Block allocate(long bytes, String name) {
            Block b = Memory.HOST.allocate(bytes, name);
            return new Block() {
                @Override public long address() { return b.address(); }
                @Override public long bytes() { return b.bytes(); }
                @Override public ByteBuffer hostView() { return null; }
                @Override public void free() { b.free(); }
            };
        }

        @Override public void copyFromHost(long dst, long src, long bytes) { Memory.HOST.copy(dst, src, bytes); }
        @Override public void copyToHost(long dst, long src, long bytes) { Memory.HOST.copy(dst, src, bytes); }
        @Override public void copy(long dst, long src, long bytes) { Memory.HOST.copy(dst, src, bytes); }
    }

    @Override
    public String name() { return "cuda-emulation"; }

    @Override
    public int threads() { return 1; }

    /** Threads the last emulated kernel call ran over all its launches (ragged blocks included). */
    public long lastThreads() {
        return CudaEmulation.sg_emu_last_threads();
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
        check("sg_emu_reduce", CudaEmulation.sg_emu_reduce(t.address(), t.dtype().code(), t.size(), kind, r));
        return r[0];
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset) {
        // through addresses, not host views: the tensors may be in device-like memory
        float[] av = read(a, aOffset, (long) m * k), bv = read(b, bOffset, (long) k * n), cv = read(c, cOffset, (long) m * n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += (double) av[transA ? q * m + i : i * k + q] * bv[transB ? j * k + q : q * n + j];
                }
                cv[i * n + j] = (float) (alpha * s + (beta == 0f ? 0.0 : (double) beta * cv[i * n + j]));
            }
        }
        new FloatPointer(Memory.at(c.address() + 4 * cOffset)).capacity((long) m * n).put(cv);
    }

    private static float[] read(Tensor t, long offset, long count) {
        float[] v = new float[Math.toIntExact(count)];
        FloatPointer p = new FloatPointer(Memory.at(t.address() + 4 * offset));
        p.capacity(count).get(v);
        return v;
    }

    @Override
    protected void doSpikeMatmul(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor w, float beta, Tensor out) {
        check("sg_emu_spike_matmul", CudaEmulation.sg_emu_spike_matmul(rows, inputs, outputs,
                x.address() + x.dtype().bytes() * xOffset, x.dtype().code(), w.address(), beta, out.address()));
    }

    @Override
    protected void doSpikeMatmulWeightGrad(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor g, long gOffset,
                                           float beta, Tensor dw) {
        check("sg_emu_spike_matmul_weight_grad", CudaEmulation.sg_emu_spike_matmul_weight_grad(rows, inputs, outputs,
                x.address() + x.dtype().bytes() * xOffset, x.dtype().code(), g.address() + 4 * gOffset, beta, dw.address()));
    }

    @Override
    protected void doLifForward(LifKernelConfig c, LifTensors t) {
        fill(c).spike_dtype(t.spikes().dtype().code());
        check("sg_emu_lif_forward", CudaEmulation.sg_emu_lif_forward(config, t.x().address(), addr(t.wRec()),
                t.alpha().address(), t.beta().address(), t.theta().address(), t.i0().address(), t.v0().address(),
                t.spikes().address(), t.iSave().address(), addr(t.u()), addr(t.vLast())));
    }

    @Override
    protected void doLifBackward(LifKernelConfig c, LifTensors t, LifGradTensors g) {
        fill(c);
        check("sg_emu_lif_backward", CudaEmulation.sg_emu_lif_backward(config, addr(t.wRec()),
                t.alpha().address(), t.beta().address(), t.theta().address(), t.i0().address(), t.v0().address(),
                t.iSave().address(), g.gradSpikes().address(), addr(g.gradU()), g.gradX().address(),
                g.gradI0().address(), g.gradV0().address(), addr(g.gradAlpha()), addr(g.gradBeta()),
                addr(g.gradTheta())));
    }

    @Override
    protected long doLifSurrogateMask(LifKernelConfig c, LifTensors t, Tensor mask) {
        long[] count = new long[1];
        check("sg_emu_lif_surrogate_mask", CudaEmulation.sg_emu_lif_surrogate_mask(fill(c), t.beta().address(), t.theta().address(),
                t.v0().address(), t.iSave().address(), mask.address(), count));
        return count[0];
    }

    @Override
    protected void doMaskedMatmul(int rows, int inner, int cols, Tensor a, Tensor b, Tensor mask, Tensor out) {
        check("sg_emu_masked_matmul", CudaEmulation.sg_emu_masked_matmul(rows, inner, cols, a.address(), b.address(), mask.address(), out.address()));
    }

    @Override
    protected void doLiForward(Shape sh, LiTensors t) {
        check("sg_emu_li_forward", CudaEmulation.sg_emu_li_forward(sh.steps(), sh.batch(), sh.neurons(), t.x().address(),
                t.alpha().address(), t.beta().address(), t.i0().address(), t.u0().address(),
                t.u().address(), t.iSave().address()));
    }

    @Override
    protected void doLiBackward(Shape sh, LiTensors t, LiGradTensors g) {
        check("sg_emu_li_backward", CudaEmulation.sg_emu_li_backward(sh.steps(), sh.batch(), sh.neurons(),
                t.alpha().address(), t.beta().address(), t.i0().address(), t.u0().address(),
                t.u().address(), t.iSave().address(), g.gradU().address(), g.gradX().address(),
                g.gradI0().address(), g.gradU0().address(), g.gradAlpha().address(), g.gradBeta().address()));
    }

    @Override
    public void close() {
        super.close();
        config.close();
    }

    private CudaEmulation.LifConfig fill(LifKernelConfig c) {
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
        if (status != 0) throw new NativeException(call, status, Status.text(status));
    }
}
