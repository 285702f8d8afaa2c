package io.spikegrad;

/**
 * A compute backend: where tensors live and kernels run. Obtain one from {@link Backends};
 * close it when done. Every method validates its arguments (shapes, arena ownership,
 * NaN in inputs) before any native call and throws {@link IllegalArgumentException}
 * naming the argument at fault.
 *
 * <p>Backends are not thread-safe: use one per thread.
 */
public interface Backend extends AutoCloseable {

    /** "cpu", "reference", "cuda". */
    String name();

    /** A new scope for tensors used with this backend. */
    Arena newArena();

    /** Threads this backend's kernels and BLAS calls may use together. */
    int threads();

    /**
     * Whether this backend's kernels take tensors of element type {@code t} where the API allows
     * a choice (spike rasters, sparse operands). F32 and U8 always; {@link DType#BIT} where
     * implemented. Engines pick the most compact raster a backend supports.
     */
    default boolean supports(DType t) { return t != DType.BIT; }

    /**
     * Whether the LIF kernels work in place: {@link #lifForward} may write I[t] over its input
     * currents ({@code tensors.iSave()} the same memory as {@code tensors.x()}), and
     * {@link #lifBackward} / {@link #lifBackwardProduct} may write dL/dX[t] over I[t]
     * ({@code grads.gradX()} the same memory as {@code forward.iSave()}). A backend says yes when
     * each of its kernels reads every entry before it writes that entry, and nowhere else (the
     * cpu backend). An engine then keeps one [T][B][N] buffer per layer for X, I and dL/dX, and
     * saves the memory and the traffic of the others. Backends that say no reject such calls
     * with an {@link IllegalArgumentException}, and every backend rejects them for the LI
     * readout ({@link #liForward}, {@link #liBackward}).
     */
    default boolean lifInPlace() { return false; }

    /**
     * Turns the NaN/infinity scans of kernel inputs, and the range checks of per-neuron decays,
     * on (the default) or off. Shapes and arena ownership are always checked. An engine that
     * checks its user inputs and parameters once and the loss and gradients of every pass may
     * turn the scans off around its own calls (BpttEngine does): on a large layer they cost as
     * much as a kernel, and on a device each is a copy to the host.
     *
     * @return the previous setting
     */
    boolean scanInputs(boolean on);

    /**
     * Row-major single-precision GEMM on contiguous matrices:
     * C = alpha * op(A) * op(B) + beta * C, op(A) is m x k, op(B) is k x n, C is m x n.
     * Offsets are in elements from the start of each tensor.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              Tensor a, long aOffset, Tensor b, long bOffset, float beta, Tensor c, long cOffset);

    /**
     * out = beta*out + x W visiting only the nonzero entries of x (spike_matmul.h): the same
     * product as {@link #gemm} for a spike-sparse x. x [rows][inputs] from element
     * {@code xOffset} (F32, or a U8 spike raster), w [inputs][outputs], out [rows][outputs].
     */
    void spikeMatmul(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor w, float beta, Tensor out);

    /**
     * dw = beta*dw + x^T g visiting only the nonzero entries of x (spike_matmul.h).
     * x [rows][inputs] from {@code xOffset} (F32 or U8), g [rows][outputs] from {@code gOffset},
     * dw [inputs][outputs].
     */
    void spikeMatmulWeightGrad(int rows, int inputs, int outputs, Tensor x, long xOffset, Tensor g, long gOffset,
                               float beta, Tensor dw);

    /** Fraction of nonzero entries of {@code t} (F32 or U8). */
    double density(Tensor t);

    /** Sum of the entries of {@code t} (F32 or U8) in double, e.g. a spike count. */
    double sum(Tensor t);

    /**
     * LIF forward over all steps (lif.h, {@code sg_lif_forward}). The spike raster may be F32
     * or U8 (one byte per neuron-step; not in smooth mode, where S is sigma(U - theta)).
     */
    void lifForward(LifKernelConfig config, LifTensors tensors);

    /** LIF surrogate backward over all steps (lif.h, {@code sg_lif_backward}). */
    void lifBackward(LifKernelConfig config, LifTensors forward, LifGradTensors grads);

    /** Largest {@code kNext} that {@link #lifBackwardProduct} takes. */
    int LIF_PRODUCT_MAX_INNER = 64;

    /**
     * {@link #lifBackward} for a layer (feed-forward or recurrent) whose dL/dS is the next
     * layer's dL/dX times that layer's weights, as below a readout (lif.h, {@code sg_lif_backward_product}):
     * dL/dS[t][b][n] = sum_k gNext[t][b][k] wNext[n][k], k &lt; kNext &lt;= {@value #LIF_PRODUCT_MAX_INNER}.
     * The result equals {@code gemm(false, true, T*B, N, kNext, 1, gNext, 0, wNext, 0, 0,
     * grads.gradSpikes(), 0)} followed by {@code lifBackward}; the cpu backend computes the
     * product inside the backward, bit for bit as its gemm does, and never writes
     * {@code grads.gradSpikes()}, which the others use as the product's room (its contents on
     * return are unspecified).
     *
     * @param gNext [T][B][kNext] dL/dX of the next layer
     * @param wNext [N][kNext] the next layer's weights
     */
    void lifBackwardProduct(LifKernelConfig config, LifTensors forward, Tensor gNext, Tensor wNext, int kNext,
                            LifGradTensors grads);

    /**
     * Where {@link #lifBackward} will use dL/dS (lif.h, {@code sg_lif_surrogate_mask}):
     * mask [T][B][N] (U8) is 1 where g*sigma'(U - theta) is nonzero, recomputed from the
     * forward's saved I. Returns the number of ones.
     */
    long lifSurrogateMask(LifKernelConfig config, LifTensors forward, Tensor mask);

    /**
     * out[r][j] = mask[r][j] ? sum_c a[r][c] b[j][c] : 0 (masked_matmul.h): the product
     * {@code gemm(false, true, ...)} computes, only where a mask asks for it.
     * a [rows][inner], b [cols][inner], mask [rows][cols] U8, out [rows][cols] overwritten.
     */
    void maskedMatmul(int rows, int inner, int cols, Tensor a, Tensor b, Tensor mask, Tensor out);

    /** Leaky-integrator readout forward (lif.h, {@code sg_li_forward}). */
    void liForward(Shape shape, LiTensors tensors);

    /** Leaky-integrator readout backward (lif.h, {@code sg_li_backward}). */
    void liBackward(Shape shape, LiTensors forward, LiGradTensors grads);

    /** Frees what the backend holds; arenas it made must be closed by their users first. */
    @Override
    void close();
}
