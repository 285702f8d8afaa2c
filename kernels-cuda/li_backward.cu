/* spikegrad CUDA: leaky-integrator readout backward (sg_li_backward_cuda, cuda.h).
 *   gU[t] = gU_ext[t] + beta*gU[t+1],  gI[t] = (1-beta)*gU[t] + alpha*gI[t+1]
 *   dL/dX[t] = gI[t], dL/dalpha += gI[t] I[t-1], dL/dbeta += gU[t] (U[t-1] - I[t])
 * (lif_math.h, sg_li_backward_step). Body: sg_li_backward_thread (cuda/lif_kernels.h).
 * Grid: one thread per (sample, neuron), reverse time loop inside; then one thread per neuron
 * sums the per-sample partials in sample order. */
#include "device_exec.cuh"

SG_API int sg_li_backward_cuda(sg_cuda_context* ctx, int steps, int batch, int neurons,
                               const float* alpha, const float* beta,
                               const float* i0, const float* u0,
                               const float* u_out, const float* i_save, const float* grad_u,
                               float* grad_x, float* grad_i0, float* grad_u0,
                               float* grad_alpha, float* grad_beta) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_li_backward(ex, steps, batch, neurons, alpha, beta, i0, u0, u_out, i_save, grad_u,
                              grad_x, grad_i0, grad_u0, grad_alpha, grad_beta);
}
