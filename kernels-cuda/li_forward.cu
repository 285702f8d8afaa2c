/* spikegrad CUDA: leaky-integrator readout forward (sg_li_forward_cuda, cuda.h).
 *   I[t] = alpha*I[t-1] + X[t],  U[t] = beta*U[t-1] + (1-beta)*I[t]   (lif_math.h)
 * Body: sg_li_forward_thread (cuda/lif_kernels.h). Grid: one thread per (sample, neuron),
 * idx = b*N + n, 256 threads a block, the time loop inside the thread. */
#include "device_exec.cuh"

SG_API int sg_li_forward_cuda(sg_cuda_context* ctx, int steps, int batch, int neurons, const float* x,
                              const float* alpha, const float* beta,
                              const float* i0, const float* u0, float* u_out, float* i_save) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_li_forward(ex, steps, batch, neurons, x, alpha, beta, i0, u0, u_out, i_save);
}
