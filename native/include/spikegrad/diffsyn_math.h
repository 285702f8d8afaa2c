/* spikegrad: per-neuron math of the differentiable synapse (Huh & Sejnowski 2018),
 * host and device. Double precision throughout (the Java reference,
 * io.spikegrad.reference.DiffSynReference, is double; these functions are its
 * line-by-line twins).
 *
 * Continuous model (paper section 4):
 *   tau ds/dt = -s + g(v) dv/dt                       eq. (2), one synapse per neuron and
 *                                                     time constant: fast (tau_fast) and slow (tau_slow)
 *   dv/dt     = f(v, I)                               eq. (3)
 *   I = W_fast s_fast + W_slow s_slow + U i + I_0     eq. (4), with the fast/slow split of sec. 5.1
 *   o = O s_slow                                      readout (sec. 4.2)
 *   l = (|o - o_d|^2 + lambda |s_slow|^2) / 2         cost (sec. 5)
 *
 * Neuron models (voltages in units of the threshold distance, I in 1/s, times in s):
 *   NIF  f = I                                      thresholds +1 and -1, reset 0 (sec. 5.1)
 *   QIF  f = (1 + cos 2 pi v)/tau_v + (1 - cos 2 pi v) I
 *                                                   theta neuron, phase v in [0, 1), threshold 1 = reset 0 (sec. 5.2)
 *   LIF  f = -v/tau_v + I                           threshold 1, reset 0
 *
 * Gate g >= 0, unit integral, support = active zone(s) of width Delta just inside the
 * threshold(s): [1 - Delta, 1) for every model, and for NIF also (-1, -1 + Delta], where a
 * falling voltage (dv/dt < 0) gives the negative responses of the lower threshold.
 * With x the position in a zone, x = (v - z0)/Delta in [0, 1]:
 *   box   g = 1/Delta                          R(x) = x
 *   bump  g = (1 - cos 2 pi x)/Delta            R(x) = x - sin(2 pi x)/(2 pi)    (raised cosine, C^1)
 * G is the gate's cumulative from the reset value 0: G = R(x) in the upper zone (0 below it,
 * -> 1 at the threshold), G = R(x) - 1 in the NIF lower zone (-> -1 at v = -1).
 *
 * Integrator (fixed step dt; one step k -> k+1 of one neuron):
 *   u  = v + dt f(v, I)                 forward Euler on v
 *   n  = spikes(u) in {-1, 0, 1}        NIF: +1 if u >= 1, -1 if u <= -1; QIF: floor(u); LIF: +1 if u >= 1
 *   v' = u - n                          reset to 0 at the crossing, overshoot kept (QIF: the phase wraps)
 *   c  = n + G(v') - G(v)               the step's charge = integral of g dv along the unwrapped path,
 *                                       so every threshold crossing delivers exactly 1 however fast it is
 *   s' = a s + b c,  a = exp(-dt/tau), b = (1 - a)/dt
 *                                       exponential Euler of eq. (2) with the drive g dv/dt = c/dt
 * A step with |u - v| >= 1 (more than one threshold distance) is rejected as diverging.
 * The reset has derivative 1 (dv'/du = 1): the continuous-time sensitivity through a NIF
 * reset at the crossing time, vdot+/vdot- = 1 because I is continuous there.
 *
 * Exact discrete adjoint of one step (lam_x = dL/dx; lam_c is dL/dc from the synapses,
 * lam_c = b_fast lam_sfast' + b_slow lam_sslow'):
 *   lam_u = lam_v' + lam_c g(v')
 *   q     = lam_u dt df/dI(v, I)        dL/dI of this step ("d_I f p_v" of eq. 7)
 *   lam_v = lam_u (1 + dt df/dv(v, I)) - lam_c g(v)
 * In the limit dt -> 0, lam_u / dt -> p_v and lam_s -> p_s of the supplement's change of
 * variables, and these lines become eqs. (5)-(7) (the coupling lam_c (g(v') - g(v))
 * is the discrete -g dp_s/dt term).
 */
#ifndef SPIKEGRAD_DIFFSYN_MATH_H
#define SPIKEGRAD_DIFFSYN_MATH_H

#include <math.h>
#include "sg_defs.h"

/* Neuron model f(v, I). */
enum sg_ds_neuron {
    SG_DS_NIF = 0,   /* non-leaky integrate and fire, bi-threshold +-1 */
    SG_DS_QIF = 1,   /* quadratic integrate and fire (theta neuron), tau_v */
    SG_DS_LIF = 2    /* leaky integrate and fire, tau_v */
};

/* Gate function g(v). */
enum sg_ds_gate {
    SG_DS_BOX = 0,   /* 1/Delta on the zone */
    SG_DS_BUMP = 1   /* raised cosine (1 - cos 2 pi x)/Delta on the zone */
};

#define SG_DS_TWO_PI 6.283185307179586476925286766559

/* ---- neuron dynamics ---- */

SG_HD double sg_ds_f(int neuron, double v, double i, double tau_v) {
    switch (neuron) {
    case SG_DS_QIF: {
        double c = cos(SG_DS_TWO_PI * v);
        return (1.0 + c) / tau_v + (1.0 - c) * i;
    }
    case SG_DS_LIF: return -v / tau_v + i;
    default: return i;
    }
}

/* df/dv. */
SG_HD double sg_ds_df_dv(int neuron, double v, double i, double tau_v) {
    switch (neuron) {
    case SG_DS_QIF: return SG_DS_TWO_PI * sin(SG_DS_TWO_PI * v) * (i - 1.0 / tau_v);
    case SG_DS_LIF: return -1.0 / tau_v;
    default: return 0.0;
    }
}

/* df/dI. */
SG_HD double sg_ds_df_di(int neuron, double v, double i, double tau_v) {
    (void)i;
    (void)tau_v;
    if (neuron == SG_DS_QIF) return 1.0 - cos(SG_DS_TWO_PI * v);
    return 1.0;
}

/* ---- gate ---- */

/* R(x) for x in [0, 1]: the gate's cumulative inside one zone, R(0) = 0, R(1) = 1. */
SG_HD double sg_ds_ramp(int gate, double x) {
    if (gate == SG_DS_BUMP) return x - sin(SG_DS_TWO_PI * x) / SG_DS_TWO_PI;
    return x;
}

/* R'(x) for x in [0, 1]. */
SG_HD double sg_ds_ramp_slope(int gate, double x) {
    if (gate == SG_DS_BUMP) return 1.0 - cos(SG_DS_TWO_PI * x);
    return 1.0;
}

/* G(v) on the neuron's state range after a reset (NIF (-1, 1), QIF [0, 1), LIF (-inf, 1)). */
SG_HD double sg_ds_gate_cdf(int neuron, int gate, double width, double v) {
    double z = 1.0 - width;
    if (v > z) return v >= 1.0 ? 1.0 : sg_ds_ramp(gate, (v - z) / width);
    if (neuron == SG_DS_NIF && v < -z) return v <= -1.0 ? -1.0 : sg_ds_ramp(gate, (v + 1.0) / width) - 1.0;
    return 0.0;
}

/* g(v) = dG/dv (0 outside the zones and on their edges). */
SG_HD double sg_ds_gate_pdf(int neuron, int gate, double width, double v) {
    double z = 1.0 - width;
    if (v > z && v < 1.0) return sg_ds_ramp_slope(gate, (v - z) / width) / width;
    if (neuron == SG_DS_NIF && v < -z && v > -1.0) return sg_ds_ramp_slope(gate, (v + 1.0) / width) / width;
    return 0.0;
}

/* Whether v lies in the neuron's state range after a reset: NIF (-1, 1), QIF [0, 1), LIF v < 1. */
SG_HD int sg_ds_in_range(int neuron, double v) {
    switch (neuron) {
    case SG_DS_NIF: return v > -1.0 && v < 1.0;
    case SG_DS_QIF: return v >= 0.0 && v < 1.0;
    default: return v < 1.0 && v > -HUGE_VAL;
    }
}

/* ---- one step of one neuron ---- */

/* Threshold crossings n of the Euler step's end point u, started from a reset-range v. */
SG_HD int sg_ds_spikes(int neuron, double u) {
    switch (neuron) {
    case SG_DS_NIF: return u >= 1.0 ? 1 : (u <= -1.0 ? -1 : 0);
    case SG_DS_QIF: return u >= 1.0 ? 1 : (u < 0.0 ? -1 : 0);
    default: return u >= 1.0 ? 1 : 0;
    }
}

/* The charge of a step from v to v_next with n crossings: n + G(v_next) - G(v). */
SG_HD double sg_ds_charge(int neuron, int gate, double width, int n, double v, double v_next) {
    return (n + sg_ds_gate_cdf(neuron, gate, width, v_next)) - sg_ds_gate_cdf(neuron, gate, width, v);
}

/* Charge + fire + reset: from v and I, the new voltage *v_next, the crossings *n and the
 * charge c (returned). Returns NAN in *v_next when the step diverges (|u - v| >= 1 or not finite);
 * the caller turns that into a status. */
SG_HD double sg_ds_step(int neuron, int gate, double width, double dt, double tau_v,
                        double v, double i, double* v_next, int* n) {
    double u = v + dt * sg_ds_f(neuron, v, i, tau_v);
    if (!(fabs(u - v) < 1.0)) {   /* also catches NaN */
        *v_next = NAN;
        *n = 0;
        return 0.0;
    }
    int k = sg_ds_spikes(neuron, u);
    double w = u - k;
    *v_next = w;
    *n = k;
    return sg_ds_charge(neuron, gate, width, k, v, w);
}

/* Adjoint of sg_ds_step: from lam_v' (dL/dv_next) and lam_c (dL/dc), returns dL/dv and
 * writes q = dL/dI. */
SG_HD double sg_ds_step_adjoint(int neuron, int gate, double width, double dt, double tau_v,
                                double v, double i, double v_next, double lam_v_next, double lam_c,
                                double* q) {
    double lam_u = lam_v_next;
    if (lam_c != 0.0) lam_u += lam_c * sg_ds_gate_pdf(neuron, gate, width, v_next);
    *q = lam_u * dt * sg_ds_df_di(neuron, v, i, tau_v);
    double lam_v = lam_u * (1.0 + dt * sg_ds_df_dv(neuron, v, i, tau_v));
    if (lam_c != 0.0) lam_v -= lam_c * sg_ds_gate_pdf(neuron, gate, width, v);
    return lam_v;
}

#endif
