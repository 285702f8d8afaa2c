/* spikegrad C API: the differentiable synapse (Huh & Sejnowski 2018) on the CPU.
 * Model, integrator and adjoint: diffsyn_math.h (double precision). Reference: the pure-Java
 * io.spikegrad.reference.DiffSynReference, which this kernel reproduces to rounding.
 *
 * Gradient: the EXACT adjoint of the discrete model of diffsyn_math.h (exact flow of v with
 * the input held over each step, exact per-step gate charge, exponential Euler on the synapses), not a discretisation of the
 * supplement's continuous adjoint; so central finite differences of the same discrete model
 * match it to rounding (where no threshold or zone edge is crossed between the two sides).
 *
 * Per sample b, step k = 0 .. T-1 (v[0] = v0, s_fast[0] = s_slow[0] = 0):
 *   I[k]     = W_fast s_fast[k] + W_slow s_slow[k] + U x[k] + I_0
 *   v[k+1], n[k], c[k] = sg_ds_step(v[k], I[k])
 *   s[k+1]   = a s[k] + b c[k]             (a, b per synapse type: exp(-dt/tau), (1-a)/dt)
 *   o[k+1]   = O s_slow[k+1]
 *   loss_b   = (1/T) sum_k (sum_r w[k][r] (o_r[k+1] - target_r[k])^2 + lambda |s_slow[k+1]|^2) / 2
 *              (w = weight, all 1 when weight is NULL: the paper's cost of sec. 5)
 * Batch loss = mean of loss_b; gradients are of the batch loss.
 *
 * Event-driven evaluation: W s and the weight gradients are updated only where a neuron's
 * charge c is nonzero, and the synaptic adjoints are formed only where a gate is open;
 * the result equals the dense formulas above (same numbers up to the order of additions).
 *
 * Shapes (T steps, B samples, N neurons, D inputs, R readouts), all double, row-major:
 *   w_fast  [N][N]  I_i += sum_j w_fast[i*N + j] s_fast_j     (NULL: no fast recurrence)
 *   w_slow  [N][N]  I_i += sum_j w_slow[i*N + j] s_slow_j     (NULL: no slow recurrence)
 *   u       [N][D]  I_i += sum_m u[i*D + m] x_m
 *   i0      [N]     tonic current, 1/s
 *   o       [R][N]  o_r = sum_i o[r*N + i] s_slow_i
 *   x       [T][B][D]  input during step k: x[(k*B + b)*D + m]
 *   target  [T][B][R]  desired o[k+1]: target[(k*B + b)*R + r]
 *   weight  [T][B][R]  finite, >= 0: the weight of that squared error in the loss (NULL: all 1)
 *   v0      [B][N]  initial voltages, in the reset range (NIF (-1, 1), QIF [0, 1), LIF < 1)
 *
 * Outputs (overwritten; each may be NULL unless said otherwise):
 *   loss         [B]        loss_b (required)
 *   readout      [T][B][R]  o[k+1]
 *   spikes       signed char [T][B][N]  n[k], the signed crossings of step k (+1 a crossing of +1,
 *                QIF a wrap; -1 of -1), clamped to [-127, 127]
 *   spike_counts int [B][N] crossings (|n| summed over the steps)
 * sg_diffsyn_forward_backward also (gradients of the batch loss; the first five are required
 * exactly when the matching parameter is given):
 *   g_w_fast [N][N], g_w_slow [N][N], g_u [N][D], g_i0 [N], g_o [R][N], g_v0 [B][N] (may be NULL)
 *   diag double [5] on a runaway: {kind, sample, step, neuron, value}: kind 1 = the step ran away
 *                   (QIF: more than one spike in one step; NIF, LIF: v moved by SG_DS_MAX_JUMP or
 *                   more, or not finite), value = the input current I of that step; kind 2 = a
 *                   non-finite current I;
 *                   untouched otherwise. May be NULL.
 *
 * Status: SG_ERR_NULL_POINTER (a required buffer is NULL), SG_ERR_BAD_SHAPE (T, B, N, D or R
 * < 1 or too large), SG_ERR_BAD_ENUM (neuron or gate), SG_ERR_BAD_PARAM (a scalar out of range,
 * a non-finite input, a v0 outside the reset range, or a diverging simulation: see diag),
 * SG_ERR_ALLOC (a negative or non-finite weight is SG_ERR_BAD_PARAM). On an error the outputs are unspecified. Never prints or exits.
 * Samples run in parallel on the thread pool (sg_set_num_threads); results do not depend on
 * the thread count (per-sample gradients summed in sample order). */
#ifndef SPIKEGRAD_DIFFSYN_H
#define SPIKEGRAD_DIFFSYN_H

#include "diffsyn_math.h"

/* Scalar settings of one call. */
typedef struct sg_diffsyn_config {
    int steps;        /* T >= 1 */
    int batch;        /* B >= 1 */
    int neurons;      /* N >= 1 */
    int inputs;       /* D >= 1 */
    int outputs;      /* R >= 1 */
    int neuron;       /* enum sg_ds_neuron */
    int gate;         /* enum sg_ds_gate */
    double dt;        /* step, s, > 0 */
    double tau_v;     /* membrane time constant, s, > 0 (QIF, LIF; ignored by NIF) */
    double tau_fast;  /* fast synapse, s, > 0 */
    double tau_slow;  /* slow (readout) synapse, s, > 0 */
    double width;     /* gate zone width Delta, in (0, 1) */
    double lambda;    /* activity penalty on s_slow, >= 0 */
} sg_diffsyn_config;

SG_API int sg_diffsyn_forward(const sg_diffsyn_config* cfg,
                              const double* w_fast, const double* w_slow, const double* u,
                              const double* i0, const double* o,
                              const double* x, const double* target, const double* weight, const double* v0,
                              double* loss, double* readout, signed char* spikes, int* spike_counts,
                              double* diag);

SG_API int sg_diffsyn_forward_backward(const sg_diffsyn_config* cfg,
                                       const double* w_fast, const double* w_slow, const double* u,
                                       const double* i0, const double* o,
                                       const double* x, const double* target, const double* weight,
                                       const double* v0,
                                       double* loss, double* readout, signed char* spikes, int* spike_counts,
                                       double* g_w_fast, double* g_w_slow, double* g_u, double* g_i0,
                                       double* g_o, double* g_v0, double* diag);

#endif
