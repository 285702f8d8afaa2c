/* spikegrad CUDA: spike-sparse products and reductions (cuda.h).
 *   out = beta*out + x W   and   dw = beta*dw + x^T g, visiting only the nonzeros of x
 * (spike_matmul.h). Bodies: cuda/spike_matmul_kernels.h.
 * Grids: forward, one thread per row lists its nonzero columns, then one thread per
 * (row, output) element (flat index r*N + n: coalesced rows of W); weight gradient, one thread
 * per input j lists the rows where x[r][j] != 0, then one thread per (j, n) (coalesced rows of
 * g). Reductions: at most 64 blocks of 256 threads, one double partial per thread, each block's
 * partials summed in order by one thread, the block sums added on the host in order. */
#include "device_exec.cuh"

SG_API int sg_spike_matmul_cuda(sg_cuda_context* ctx, int rows, int inputs, int outputs, const void* x, int x_dtype,
                                const float* w, float beta, float* out) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_spike_matmul(ex, rows, inputs, outputs, x, x_dtype, w, beta, out);
}

SG_API int sg_spike_matmul_weight_grad_cuda(sg_cuda_context* ctx, int rows, int inputs, int outputs, const void* x,
                                            int x_dtype, const float* g, float beta, float* dw) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_spike_matmul_weight_grad(ex, rows, inputs, outputs, x, x_dtype, g, beta, dw);
}

SG_API int sg_reduce_cuda(sg_cuda_context* ctx, const void* p, int dtype, long long n, int kind, double* result) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_reduce(ex, p, dtype, (int64_t)n, kind, result);
}
