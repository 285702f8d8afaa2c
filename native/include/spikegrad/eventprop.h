/* spikegrad C API: exact EventProp (Wunderlich & Pehle 2021) on the CPU.
 * Math: eventprop_math.h (double precision). Reference: the pure-Java
 * io.spikegrad.eventprop package (EventPropSimulator, EventPropBackward,
 * EventLosses.firstSpikeCrossEntropy), which this kernel reproduces to rounding.
 *
 * Scope of v1:
 *   - a feed-forward stack of L >= 1 LIF layers (reset by subtraction,
 *     V -> V - theta at a crossing), all spiking; the last layer is the output.
 *     No recurrent weights, no bias, no LI readout, no voltage losses.
 *   - loss: time-to-first-spike cross-entropy (paper eq. 35):
 *       L = -log softmax(-t/tau0)[label] + alpha (exp(t_label/tau1) - 1),
 *     t_c = first spike of output neuron c; a silent neuron counts as t_c = T
 *     with no gradient through it.
 *   - gradients: weights (and thresholds); none for tau_mem / tau_syn.
 *
 * Forward per sample: exact, event-driven over [0, T]; closed forms between
 * events, threshold crossings by bracketing + safeguarded Newton, one global
 * event queue (ties: input spikes before crossings, crossings by neuron index;
 * input spikes after T are ignored). Backward: the exact adjoint in reverse
 * time. Samples run in parallel (the thread pool of lif.h's sg_set_num_threads);
 * results do not depend on the thread count (batch reductions in sample order).
 *
 * Shapes and layouts (all double unless said otherwise):
 *   sizes      int [L+1]: sizes[0] = input channels, sizes[l+1] = neurons of layer l.
 *              Nw = sum_l sizes[l]*sizes[l+1], N = sum_l sizes[l+1], C = sizes[L].
 *   weights    [Nw]: layer 0's [sizes[0]][sizes[1]], then layer 1's [sizes[1]][sizes[2]], ...
 *              each [in][out], entry (i, j) at i*out + j = from unit i to neuron j.
 *   tau_mem, tau_syn, theta   [N], layer 0's neurons first; seconds, > 0; theta > 0.
 *   in_times   [E] input spike times (s), every sample's events sorted by time
 *   in_channels int [E] channel of each event, in [0, sizes[0])
 *   in_offsets int [B+1] sample b's events are [in_offsets[b], in_offsets[b+1])
 *   labels     int [B] in [0, C)
 *
 * Outputs (overwritten):
 *   loss_out     [1] mean loss over the batch
 *   predictions  int [B] output neuron with the earliest first spike (lowest index
 *                on ties), -1 when every output neuron is silent
 *   first_times  [B][C] first spike time of each output neuron, HUGE_VAL when silent
 *   out_counts   int [B][C] spikes of each output neuron
 *   spike_totals int [B] spikes of all layers, or NULL
 *   grad_weights [Nw] dL/dweights, mean over the batch, laid out as weights
 *   grad_theta   [N] dL/dtheta, mean over the batch, or NULL
 *   clamped      long long [1] spikes whose Vdot^- was below the guard
 *                floor vdot_floor*theta/tau_mem and was clamped to it (0 in healthy runs)
 *
 * Scalars: duration T > 0, tau0 > 0, tau1 > 0, alpha >= 0, vdot_floor > 0 (the
 * reference's default is 1e-6), max_spikes >= 1 per sample.
 *
 * Status: SG_ERR_NULL_POINTER (a required buffer is NULL), SG_ERR_BAD_SHAPE (L, B or
 * a size < 1, offsets not non-decreasing), SG_ERR_BAD_PARAM (a scalar or per-neuron
 * constant out of range, an unsorted sample, a channel or label out of range, a
 * non-finite Vdot^-, or a sample with more than max_spikes spikes: runaway
 * excitation), SG_ERR_ALLOC (scratch allocation failed). On an error the outputs
 * are unspecified. Never prints or exits. */
#ifndef SPIKEGRAD_EVENTPROP_H
#define SPIKEGRAD_EVENTPROP_H

#include "eventprop_math.h"

SG_API int sg_eventprop_batch(int layers, const int* sizes,
                              const double* weights, const double* tau_mem, const double* tau_syn,
                              const double* theta,
                              int batch, const double* in_times, const int* in_channels,
                              const int* in_offsets, const int* labels,
                              double duration, double tau0, double tau1, double alpha,
                              double vdot_floor, int max_spikes,
                              double* loss_out, int* predictions, double* first_times, int* out_counts,
                              int* spike_totals, double* grad_weights, double* grad_theta,
                              long long* clamped);

#endif
