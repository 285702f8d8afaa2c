/* spikegrad CUDA: the masked product of the sparse backward (sg_masked_matmul_cuda, cuda.h).
 *   out[r][j] = mask[r][j] ? sum_c a[r][c] * b[j][c] : 0     (masked_matmul.h)
 * i.e. dL/dS[t][b][j] = sum_c dL/dX'[t][b][c] W'[j][c] only where the layer below will multiply
 * it by a nonzero surrogate derivative (lif_math.h: sg_grad_s_to_u).
 * Body: sg_masked_matmul_thread (cuda/spike_matmul_kernels.h). Grid: one thread per (r, j),
 * flat index r*N + j, 256 threads a block; each set entry is one dot product over c in
 * increasing order (the CPU kernel sums in blocked vector order: results agree to rounding). */
#include "device_exec.cuh"

SG_API int sg_masked_matmul_cuda(sg_cuda_context* ctx, int rows, int inner, int cols, const float* a,
                                 const float* b, const unsigned char* mask, float* out) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_masked_matmul(ex, rows, inner, cols, a, b, mask, out);
}
