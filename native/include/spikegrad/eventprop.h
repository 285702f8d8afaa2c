/* spikegrad C API: exact EventProp (Wunderlich & Pehle, shared/papers/eventprop-wunderlich-pehle.md)
 * on the CPU. Math: eventprop_math.h (double precision). Reference: the pure-Java
 * io.spikegrad.eventprop package (EventPropSimulator, EventPropBackward, EventLosses), which
 * this kernel reproduces to rounding.
 *
 * Model (paper table 1): L >= 1 layers; every layer but possibly the last is LIF (spiking,
 * reset by subtraction V -> V - theta at a crossing), optionally with recurrent weights
 * within the layer (self-connections allowed); the last layer is either LIF or a non-spiking
 * leaky-integrator (LI) readout (cfg.readout = 1: same V, I dynamics, no threshold). Fixed
 * input spike trains drive layer 0. No bias.
 *
 * Forward per sample, exact and event-driven over [0, T]: closed forms between events,
 * threshold crossings as roots (bracketing + safeguarded Newton, never time stepping), one
 * event queue across the whole network (ties: input spikes before crossings, crossings by
 * global neuron index; input spikes after T are ignored).
 *
 * What a sample keeps for its backward (memory grows with the number of spikes, not with T):
 *   per spike       its time (8 bytes), the global neuron index (4) and the firing neuron's
 *                   I^- (8): Vdot^- = (I^- - theta)/tau_mem since V^- = theta (algorithm 1);
 *   per LI readout  neuron (cfg.readout = 1): max_t V, the argmax time, the index of the
 *                   hidden spike whose arrival made the maximum a kink (or a code), Vdot^- at
 *                   that kink, and int_0^T V dt: 36 bytes (the l_V terms of table 2 need no
 *                   trace: a delta at the argmax, or a constant source).
 * stored_bytes[b] reports exactly this for sample b.
 *
 * Backward (table 2), in reverse time: the adjoint in closed form between events
 *   lambda_V(d) = mu_V exp(-d/tau_mem) - g,  lambda_I(d) = mu_I exp(-d/tau_syn) + mu_V K(d; tau_syn, tau_mem) - g,
 *   mu = lambda + g, g = dl_V/dV (constant: the mean-voltage loss; 0 otherwise)   (eq. 10a-b)
 * the jump of the firing neuron's lambda_V at each spike (eq. 30a with eq. 33), weight
 * gradients dL/dw_nm = -tau_syn,m sum_spikes-of-n lambda_I,m (eq. 2), input weights by
 * eq. (34), thresholds dL/dtheta_n = tau_mem,n sum lambda_V,n^- (our addition), and the
 * max-voltage loss as a lambda_V impulse at the argmax (plus the kink term when the maximum is
 * the arrival of a hidden spike). The guard: Vdot^- below vdot_floor*theta/tau_mem is clamped
 * to it and counted (clamped[0]); a non-finite Vdot^- is an error.
 *
 * Per-sample clipping (cfg.sample_clip = c > 0): a sample whose gradient norm over the weights
 * and recurrent weights exceeds c has its whole gradient (thresholds included) scaled by
 * c / norm before it joins the batch mean; sample_clipped[0] counts them. Near-tangential
 * crossings make single samples' exact gradients hundreds of times the median (the 1/Vdot of
 * eq. 30a, compounded through layers; paper section 4: "mitigated using gradient clipping"),
 * and without the limit such a sample sets the direction of its whole batch.
 *
 * Samples run in parallel (lif.h's sg_set_num_threads). Results do not depend on the thread
 * count: samples are grouped into fixed blocks of SG_EP_BLOCK, each block is run in sample
 * order by one thread into its own gradient buffer, blocks are summed in block order.
 *
 * ---- buffers (all double unless said otherwise) ----
 *   sizes        int [L+1]: sizes[0] = input channels, sizes[l+1] = neurons of layer l.
 *                N = sum_l sizes[l+1], C = sizes[L], Nw = sum_l sizes[l]*sizes[l+1].
 *   recurrent    int [L]: 1 when layer l has recurrent weights (never the LI readout), or NULL for none.
 *   weights      [Nw]: layer 0's [sizes[0]][sizes[1]], then layer 1's, ...; each [in][out],
 *                entry (i, j) at i*out + j, from unit i to neuron j.
 *   rec_weights  [Nr]: the recurrent layers' [n][n] (row j from neuron j), in layer order;
 *                Nr = sum over recurrent layers of sizes[l+1]^2; NULL when Nr = 0.
 *   tau_mem, tau_syn  [N], layer 0's neurons first; seconds, finite, > 0.
 *   theta        [N]: > 0 and finite for LIF neurons; ignored for the readout.
 *   in_times     [E] input spike times (s), each sample's events sorted by time (non-decreasing)
 *   in_channels  int [E] channel of each event, in [0, sizes[0])
 *   in_offsets   int [B+1]: sample b's events are [in_offsets[b], in_offsets[b+1]), in_offsets[0] = 0
 *   labels       int [B] in [0, C)
 * Outputs (overwritten):
 *   loss_out     [1] mean loss over the batch
 *   predictions  int [B]: see enum sg_ep_loss
 *   out_values   [B][C]: per output neuron what the loss reads: the first spike time (HUGE_VAL
 *                when silent) for FIRST_SPIKE and SPIKE_TIME_SUM, max_t V for MAX_VOLTAGE,
 *                (1/T) int V dt for MEAN_VOLTAGE, the spike count for SPIKE_COUNT
 *   out_counts   int [B][C] spikes of each output neuron (0 for a readout)
 *   spike_totals int [B] spikes of all layers, or NULL
 *   layer_silent int [B][L] neurons of layer l without a spike in sample b (0 for a readout), or NULL
 *   stored_bytes long long [B] bytes sample b kept for its backward (see above), or NULL
 *   trace_times  [B][S], trace_neurons int [B][S]: the first min(K_b, S) spikes of sample b in
 *                processing order (time, global neuron index), S = cfg.trace_capacity; the rest
 *                of a row is left alone. NULL when S = 0. For rasters and parity tests.
 *   grad_weights [Nw] dL/dweights, batch mean, laid out as weights (NULL when cfg.gradients = 0)
 *   grad_rec     [Nr] dL/drec_weights, batch mean (NULL when Nr = 0 or cfg.gradients = 0)
 *   grad_theta   [N] dL/dtheta, batch mean, 0 for the readout (NULL allowed)
 *   clamped      long long [1] spikes whose Vdot^- the guard clamped (0 in healthy runs)
 *   sample_clipped long long [1] samples whose gradient the per-sample limit scaled (NULL allowed)
 *
 * Status: SG_ERR_NULL_POINTER (a required buffer is NULL), SG_ERR_BAD_SHAPE (L, B or a size
 * < 1, offsets not non-decreasing, a recurrent readout), SG_ERR_BAD_ENUM (unknown loss, or a
 * loss that does not fit the last layer), SG_ERR_BAD_PARAM (a scalar or per-neuron constant
 * out of range, an unsorted sample, a channel or label out of range, a non-finite Vdot^-, or
 * a sample with more than max_spikes spikes: runaway excitation), SG_ERR_ALLOC (scratch
 * allocation failed). On an error the outputs are unspecified. Never prints or exits. */
#ifndef SPIKEGRAD_EVENTPROP_H
#define SPIKEGRAD_EVENTPROP_H

#include "eventprop_math.h"

/* Samples per reduction block (fixed, so results do not depend on the thread count). */
#define SG_EP_BLOCK 8

/* The losses (io.spikegrad.eventprop.EventLosses); all act on the last layer. */
enum sg_ep_loss {
    /* eq. (35): -log softmax(-t/tau0)[label] + alpha (exp(t_label/tau1) - 1), t_c the first
     * spike of output neuron c. Silent outputs fire "at infinity": they leave the softmax and
     * get no gradient; a silent label neuron makes the loss the constant log C with zero
     * gradient (EventLosses.firstSpikeCrossEntropy).
     * Prediction: the earliest first spike (lowest index on ties), -1 when all are silent. */
    SG_EP_LOSS_FIRST_SPIKE = 0,
    /* cross-entropy on z_c = max over [0, T] of the readout's V_c; prediction argmax z. */
    SG_EP_LOSS_MAX_VOLTAGE = 1,
    /* cross-entropy on z_c = (1/T) int_0^T V_c dt of the readout; prediction argmax z. */
    SG_EP_LOSS_MEAN_VOLTAGE = 2,
    /* cross-entropy on output spike counts; piecewise constant, so its exact gradient is 0.
     * Prediction: argmax count (lowest index on ties). */
    SG_EP_LOSS_SPIKE_COUNT = 3,
    /* the sum of all output spike times (paper figure 1); prediction -1. */
    SG_EP_LOSS_SPIKE_TIME_SUM = 4
};

/* Scalars of one call. */
typedef struct sg_eventprop_config {
    int layers;          /* L >= 1                                                      */
    int batch;           /* B >= 1                                                      */
    int readout;         /* 1: the last layer is a non-spiking LI readout               */
    int loss;            /* enum sg_ep_loss; voltage losses need readout = 1, the others 0 */
    int gradients;       /* 0: forward and loss only (grad buffers may be NULL)         */
    int max_spikes;      /* per sample, >= 1                                            */
    int trace_capacity;  /* S >= 0: spikes per sample copied to trace_times/neurons      */
    double duration;     /* T > 0, seconds                                              */
    double tau0;         /* FIRST_SPIKE: softmax time scale, > 0                        */
    double tau1;         /* FIRST_SPIKE: regulariser time scale, > 0                    */
    double alpha;        /* FIRST_SPIKE: regulariser weight, >= 0                       */
    double vdot_floor;   /* guard floor relative to theta/tau_mem, > 0 (reference: 1e-6) */
    double sample_clip;  /* > 0: per-sample gradient norm limit (see below); 0: off      */
} sg_eventprop_config;

SG_API int sg_eventprop_batch(const sg_eventprop_config* cfg, const int* sizes, const int* recurrent,
                              const double* weights, const double* rec_weights,
                              const double* tau_mem, const double* tau_syn, const double* theta,
                              const double* in_times, const int* in_channels, const int* in_offsets,
                              const int* labels,
                              double* loss_out, int* predictions, double* out_values, int* out_counts,
                              int* spike_totals, int* layer_silent, long long* stored_bytes,
                              double* trace_times, int* trace_neurons,
                              double* grad_weights, double* grad_rec, double* grad_theta,
                              long long* clamped, long long* sample_clipped);

#endif
