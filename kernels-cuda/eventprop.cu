/* spikegrad CUDA: exact EventProp (Wunderlich & Pehle 2021) on the GPU (sg_eventprop_batch_cuda, cuda.h).
 *
 * Forward: LIF with current synapse between events in closed form (table 1; eventprop_math.h:
 * V(d) = V0 e^{-d/tau_mem} + I0 K(d), I(d) = I0 e^{-d/tau_syn}), threshold crossings by
 * bracketed Newton (sg_ep_crossing), reset V -> V - theta; optionally recurrent layers and an LI
 * readout. Backward: the adjoint of table 2 in closed form between events, the jump
 * lambda_V^- = lambda_V^+ + C/(tau_mem Vdot^-) at a spike, dL/dw_ji = -tau_syn sum over spikes of
 * j of lambda_I,i (eq. 2). Losses: eventprop.h's five (first-spike cross-entropy, eq. 35;
 * max-/mean-voltage cross-entropy; spike count; spike-time sum).
 *
 * Event-driven and exact, not time-stepped: the layers are simulated one after the other, the
 * neurons of a feed-forward layer or readout in parallel (one thread each), each walking the
 * spikes of the layer below, a recurrent layer by one thread with the CPU kernel's event loop.
 * Grid: one block per sample (a warp multiple <= 256 threads); forward and backward are stepped
 * kernels with a barrier between layer phases; per-sample gradients are averaged over the batch
 * in the CPU kernel's sample blocks by one thread per weight. Bodies and the full argument of why
 * this reproduces the reference's event order: cuda/eventprop_kernels.h. */
#include "device_exec.cuh"
#include "spikegrad/cuda/eventprop_launch.h"

SG_API int sg_eventprop_batch_cuda(sg_cuda_context* ctx, const sg_eventprop_config* cfg, const int* sizes, const int* recurrent,
                                   const double* weights, const double* rec_weights,
                                   const double* tau_mem, const double* tau_syn, const double* theta,
                                   const double* in_times, const int* in_channels, const int* in_offsets,
                                   const int* labels,
                                   double* loss_out, int* predictions, double* out_values, int* out_counts,
                                   int* spike_totals, int* layer_silent, long long* stored_bytes,
                                   double* grad_weights, double* grad_rec, double* grad_theta,
                                   long long* clamped, long long* sample_clipped) {
    SG_CTX_OR_FAIL(ctx);
    DeviceExec ex{ctx};
    return sg_run_eventprop_batch(ex, cfg, sizes, recurrent, weights, rec_weights, tau_mem, tau_syn, theta, in_times, in_channels,
                                  in_offsets, labels, loss_out, predictions, out_values, out_counts, spike_totals,
                                  layer_silent, stored_bytes, grad_weights, grad_rec, grad_theta, clamped,
                                  sample_clipped);
}
