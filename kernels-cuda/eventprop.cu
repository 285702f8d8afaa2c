/* spikegrad CUDA: exact EventProp (Wunderlich & Pehle 2021) on the GPU (sg_eventprop_batch_cuda, cuda.h).
 *
 * Forward: LIF with current synapse between events in closed form (table 1; eventprop_math.h:
 * V(d) = V0 e^{-d/tau_mem} + I0 K(d), I(d) = I0 e^{-d/tau_syn}), threshold crossings by
 * bracketed Newton (sg_ep_crossing), reset V -> V - theta. Backward: the adjoint of table 2 in
 * closed form between events, the jump lambda_V^- = lambda_V^+ + C/(tau_mem Vdot^-) at a spike,
 * dL/dw_ji = -tau_syn sum over spikes of j of lambda_I,i (eq. 2). Loss: first-spike
 * cross-entropy (eq. 35).
 *
 * Event-driven and exact, not time-stepped: the layers of a feed-forward stack are simulated one
 * after the other, the neurons of a layer in parallel (one thread each), each walking the sorted
 * spikes of the layer below. Grid: one block per sample (a warp multiple <= 256 threads);
 * forward and backward are stepped kernels with a barrier between layer phases; per-sample
 * gradients are averaged over the batch in sample order by one thread per weight. Bodies and the
 * full argument of why this reproduces the reference's event order: cuda/eventprop_kernels.h. */
#include "device_exec.cuh"
#include "spikegrad/cuda/eventprop_launch.h"

SG_API int sg_eventprop_batch_cuda(sg_cuda_context* ctx, int layers, const int* sizes,
                                   const double* weights, const double* tau_mem, const double* tau_syn,
                                   const double* theta,
                                   int batch, const double* in_times, const int* in_channels,
                                   const int* in_offsets, const int* labels,
                                   double duration, double tau0, double tau1, double alpha,
                                   double vdot_floor, int max_spikes,
                                   double* loss_out, int* predictions, double* first_times, int* out_counts,
                                   int* spike_totals, double* grad_weights, double* grad_theta,
                                   long long* clamped) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_eventprop_batch(ex, layers, sizes, weights, tau_mem, tau_syn, theta, batch, in_times, in_channels,
                                  in_offsets, labels, duration, tau0, tau1, alpha, vdot_floor, max_spikes,
                                  loss_out, predictions, first_times, out_counts, spike_totals, grad_weights,
                                  grad_theta, clamped);
}
