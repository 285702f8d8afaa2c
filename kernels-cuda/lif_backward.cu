/* spikegrad CUDA: LIF surrogate backward over all T steps (sg_lif_backward_cuda, cuda.h).
 *
 * Adjoint (lif_math.h, the reverse-mode table; surrogate dS/dU := g*sigma'(U - theta)):
 *   gV[t] = beta*gU[t+1]
 *   gS[t] = gS_ext[t] (+ sum_m W_rec[n][m] gX[t+1][m]) + gV[t]*dV/dS
 *   gU[t] = gU_ext[t] + gV[t]*dV/dU + gS[t]*g*sigma'(U[t]-theta)
 *   gI[t] = (1-beta)*gU[t] + alpha*gI[t+1],  dL/dX[t] = gI[t]
 *   dL/dalpha += gI[t] I[t-1],  dL/dbeta += gU[t] (V[t-1] - I[t]),  dL/dtheta as the table
 * Bodies: cuda/lif_kernels.h, calling sg_lif_backward_step.
 *
 * U[t] is recomputed from I[t] with the forward's arithmetic (same bits, same spikes), in
 * segments of 32 steps restarted from V checkpoints ([ceil(T/32)][B][N] scratch).
 * Grid, feed-forward: one kernel, one thread per (sample, neuron) (checkpoints, then each
 * segment: recompute into local memory, adjoint in reverse time). Recurrent: the coupling
 * W_rec^T dL/dX[t+1] needs every neuron of a sample at each step, so (our choice) one block per
 * sample steps backwards through time with a barrier per step, reading coalesced rows of a
 * transposed copy of W_rec and skipping zero gradients (no per-step cuBLAS call, no host
 * round trip): transpose kernel, checkpoint kernel, stepped adjoint kernel, epilogue kernel.
 * Then dL/dalpha, dL/dbeta, dL/dtheta: per-sample partials summed over the batch in sample
 * order by one thread per neuron (deterministic, no float atomics).
 *
 * Also here: sg_lif_surrogate_mask_cuda, where the backward will use dL/dS (mask = g*sigma'(U -
 * theta) != 0 with U recomputed the same way); one thread per (sample, neuron), then the
 * reduction kernels count the set entries. */
#include "device_exec.cuh"

SG_API int sg_lif_backward_cuda(sg_cuda_context* ctx, const sg_lif_config* cfg, const float* w_rec,
                                const float* alpha, const float* beta, const float* theta,
                                const float* i0, const float* v0, const float* i_save,
                                const float* grad_s, const float* grad_u,
                                float* grad_x, float* grad_i0, float* grad_v0,
                                float* grad_alpha, float* grad_beta, float* grad_theta) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_lif_backward(ex, cfg, w_rec, alpha, beta, theta, i0, v0, i_save, grad_s, grad_u,
                               grad_x, grad_i0, grad_v0, grad_alpha, grad_beta, grad_theta);
}

SG_API int sg_lif_surrogate_mask_cuda(sg_cuda_context* ctx, const sg_lif_config* cfg, const float* beta,
                                      const float* theta, const float* v0, const float* i_save,
                                      unsigned char* mask, long long* count) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_lif_surrogate_mask(ex, cfg, beta, theta, v0, i_save, mask, count);
}
