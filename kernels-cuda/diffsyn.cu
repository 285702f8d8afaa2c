/* spikegrad CUDA: the differentiable synapse (Huh & Sejnowski 2018) on the GPU
 * (sg_diffsyn_forward_cuda, sg_diffsyn_forward_backward_cuda; cuda.h).
 *
 * Per sample b, step k (diffsyn.h): I = W_fast s_fast + W_slow s_slow + U x + I_0 (paper eq. 4),
 * the exact per-step flow of v and gate charge c (eqs. 2-3, diffsyn_math.h), s <- a s + b c,
 * o = O s_slow; loss (1/T) sum_k (sum_r w (o - o_d)^2 + lambda |s_slow|^2) / 2. Backward: the exact
 * adjoint of that discrete model (the discrete counterpart of the supplement's eqs. 5-7).
 * Grid: one block per sample, one thread per neuron (a warp multiple <= 256, threads owning
 * neurons t, t + blockDim, ...), stepped kernels with a barrier after every phase of a step
 * (the recurrent input W s couples the neurons); the batch mean by one thread per gradient
 * entry, samples in order. Bodies and phases: cuda/diffsyn_kernels.h. */
#include "device_exec.cuh"
#include "spikegrad/cuda/diffsyn_launch.h"

SG_API int sg_diffsyn_forward_cuda(sg_cuda_context* ctx, const sg_diffsyn_config* cfg,
                                   const double* w_fast, const double* w_slow, const double* u,
                                   const double* i0, const double* o,
                                   const double* x, const double* target, const double* weight, const double* v0,
                                   double* loss, double* readout, signed char* spikes, int* spike_counts,
                                   double* diag) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_diffsyn(ex, cfg, w_fast, w_slow, u, i0, o, x, target, weight, v0, loss, readout, spikes, spike_counts,
                          false, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, diag);
}

SG_API int sg_diffsyn_forward_backward_cuda(sg_cuda_context* ctx, const sg_diffsyn_config* cfg,
                                            const double* w_fast, const double* w_slow, const double* u,
                                            const double* i0, const double* o,
                                            const double* x, const double* target, const double* weight,
                                            const double* v0,
                                            double* loss, double* readout, signed char* spikes, int* spike_counts,
                                            double* g_w_fast, double* g_w_slow, double* g_u, double* g_i0,
                                            double* g_o, double* g_v0, double* diag) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_diffsyn(ex, cfg, w_fast, w_slow, u, i0, o, x, target, weight, v0, loss, readout, spikes, spike_counts,
                          true, g_w_fast, g_w_slow, g_u, g_i0, g_o, g_v0, diag);
}
