/* spikegrad CUDA: fused LIF forward over all T steps (sg_lif_forward_cuda, cuda.h).
 *
 * Equations (lif_math.h, table at the top; DESIGN.md model equations), per neuron and step:
 *   I[t] = alpha*I[t-1] + X[t] (+ sum_j S[t-1][j] W_rec[j][n])
 *   U[t] = beta*V[t-1] + (1-beta)*I[t],  S[t] = H(U[t] - theta),  V[t] = reset(U[t], S[t])
 * Bodies: sg_lif_forward_thread / sg_lif_forward_rec_step (cuda/lif_kernels.h), calling sg_lif_step.
 *
 * Grid: feed-forward, one thread per (sample, neuron), idx = b*N + n, 256 threads a block,
 * ceil(B*N/256) blocks, the time loop inside the thread (coalesced time-major rows).
 * Recurrent: one block per sample (a warp multiple <= 256 threads, each owning neurons
 * n = thread + k*blockDim), T steps with a barrier after each; W_rec S[t-1] is summed over the
 * presynaptic neurons that spiked, in increasing j, from coalesced rows of W_rec.
 * The spike raster is F32 or U8 (cfg->spike_dtype); the backward needs only I[t] (i_save). */
#include "device_exec.cuh"

SG_API int sg_lif_forward_cuda(sg_cuda_context* ctx, const sg_lif_config* cfg, const float* x, const float* w_rec,
                               const float* alpha, const float* beta, const float* theta,
                               const float* i0, const float* v0,
                               void* s, float* i_save, float* u_out, float* v_last) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_lif_forward(ex, cfg, x, w_rec, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last);
}
