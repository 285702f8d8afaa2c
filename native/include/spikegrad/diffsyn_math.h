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
 * Integrator (fixed step dt; one step k -> k+1 of one neuron, input I held over the step):
 *   u  = flow(v, I)                     the exact solution of dv/dt = f(v, I) over dt with I
 *                                       constant (sg_ds_flow): NIF Euler (exact), LIF exponential,
 *                                       QIF the theta neuron's closed form (a Moebius map); for the
 *                                       QIF this matters: forward Euler there is unstable when
 *                                       dt |df/dv| > 2 and its exact gradient explodes
 *   n  = spikes(u), an integer          NIF: floor(u) if u >= 1, -floor(-u) if u <= -1, else 0;
 *                                       QIF: floor(u) (in {-1, 0, 1}); LIF: floor(u) if u >= 1, else 0
 *   v' = u - n                          reset to 0 at each crossing, overshoot kept (QIF: the phase wraps)
 *   c  = n + G(v') - G(v)               the step's charge = integral of g dv along the unwrapped path,
 *                                       so every threshold crossing delivers exactly 1 however fast it is
 *   s' = a s + b c,  a = exp(-dt/tau), b = (1 - a)/dt
 *                                       exponential Euler of eq. (2) with the drive g dv/dt = c/dt
 * |n| > 1 (NIF, LIF: several crossings in one step) is allowed but means dt is too coarse for
 * the rates; a runaway step (sg_ds_flow returns 1) is rejected.
 * The reset has derivative 1 (dv'/du = 1): the continuous-time sensitivity through a NIF
 * reset at the crossing time, vdot+/vdot- = 1 because I is continuous there.
 *
 * Exact discrete adjoint of one step (lam_x = dL/dx; lam_c is dL/dc from the synapses,
 * lam_c = b_fast lam_sfast' + b_slow lam_sslow'):
 *   lam_u = lam_v' + lam_c g(v')
 *   q     = lam_u du/dI                 dL/dI of this step ("d_I f p_v" of eq. 7)
 *   lam_v = lam_u du/dv - lam_c g(v)
 * In the limit dt -> 0, du/dv -> 1 + dt df/dv, du/dI -> dt df/dI, lam_u/dt -> p_v and
 * lam_s -> p_s of the supplement's change of variables, and these lines become eqs. (5)-(7)
 * (the coupling lam_c (g(v') - g(v)) is the discrete -g dp_s/dt term).
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

#define SG_DS_PI 3.1415926535897932384626433832795
#define SG_DS_TWO_PI 6.283185307179586476925286766559

/* A step that moves v by this much or more (or by a non-finite amount) has run away. */
#define SG_DS_MAX_JUMP 1.0e6

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

/* cos(sqrt z) for z >= 0, cosh(sqrt(-z)) for z < 0 (entire in z); series near 0. */
SG_HD double sg_ds_cz(double z) {
    if (fabs(z) < 0.1)
        return 1.0 + z * (-1.0 / 2 + z * (1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 + z * (-1.0 / 3628800)))));
    return z > 0 ? cos(sqrt(z)) : cosh(sqrt(-z));
}

/* sin(sqrt z)/sqrt z, sinh(sqrt(-z))/sqrt(-z) for z < 0, 1 at 0. */
SG_HD double sg_ds_sz(double z) {
    if (fabs(z) < 0.1)
        return 1.0 + z * (-1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 + z * (-1.0 / 39916800)))));
    double r = sqrt(fabs(z));
    return z > 0 ? sin(r) / r : sinh(r) / r;
}

/* d sg_ds_sz / dz = (cz - sz)/(2z); series near 0. */
SG_HD double sg_ds_dsz(double z, double cz, double sz) {
    if (fabs(z) < 0.1)
        return -1.0 / 6 + z * (1.0 / 60 + z * (-1.0 / 1680 + z * (1.0 / 90720 + z * (-1.0 / 7983360 + z * (1.0 / 1037836800)))));
    return (cz - sz) / (2.0 * z);
}

/* The flow of dv/dt = f(v, I) over one step dt with I held constant, from v (in the reset
 * range) to the unwrapped end point *u, with its partials *du_dv and *du_di (either may be NULL).
 *   NIF  u = v + dt I
 *   LIF  u = v E + tau_v I (1 - E),  E = exp(-dt/tau_v)
 *   QIF  with V = tan(pi (v - 1/2)) the theta neuron is dV/dt = 2 pi (a V^2 + I), a = 1/tau_v,
 *        whose flow is the Moebius map V' = (C V + 2 pi I dt S)/(-2 pi a dt S V + C),
 *        C = cos sqrt z, S = sin sqrt z / sqrt z, z = 4 pi^2 a I dt^2 (cosh, sinh for z < 0).
 *        On the circle: p = (sin th, cos th), th = pi (v - 1/2), p' = M p, th' = angle of p';
 *        u = v + (th' - th)/pi, the rotation taken in (-pi, pi) (exact while sqrt z < pi, i.e.
 *        at most one spike per step; larger z is a runaway).
 * Returns 0, or 1 when the step runs away (QIF z >= pi^2, or |u - v| >= SG_DS_MAX_JUMP, or not finite). */
SG_HD int sg_ds_flow(int neuron, double v, double i, double dt, double tau_v,
                     double* u, double* du_dv, double* du_di) {
    double uu, dv = 1.0, di = dt;
    if (neuron == SG_DS_QIF) {
        double a = 1.0 / tau_v;
        double z = 4.0 * SG_DS_PI * SG_DS_PI * a * i * dt * dt;
        if (!(z < SG_DS_PI * SG_DS_PI)) return 1;
        double cz = sg_ds_cz(z), sz = sg_ds_sz(z);
        double beta = SG_DS_TWO_PI * i * dt * sz, gamma = -SG_DS_TWO_PI * a * dt * sz;
        double s0 = -cos(SG_DS_PI * v), c0 = sin(SG_DS_PI * v);   /* sin, cos of pi (v - 1/2) */
        double p1 = cz * s0 + beta * c0, p2 = gamma * s0 + cz * c0;
        double rot = atan2(c0 * p1 - s0 * p2, c0 * p2 + s0 * p1);
        uu = v + rot / SG_DS_PI;
        if (du_dv || du_di) {
            double r2 = p1 * p1 + p2 * p2;
            /* d p'/d th = M (cos th, -sin th) */
            double q1 = cz * c0 - beta * s0, q2 = gamma * c0 - cz * s0;
            dv = (p2 * q1 - p1 * q2) / r2;
            double dz = 4.0 * SG_DS_PI * SG_DS_PI * a * dt * dt;
            double dcz = -0.5 * sz * dz, dsz = sg_ds_dsz(z, cz, sz) * dz;
            double dbeta = SG_DS_TWO_PI * dt * (sz + i * dsz), dgamma = -SG_DS_TWO_PI * a * dt * dsz;
            double e1 = dcz * s0 + dbeta * c0, e2 = dgamma * s0 + dcz * c0;
            di = (p2 * e1 - p1 * e2) / r2 / SG_DS_PI;
        }
    } else if (neuron == SG_DS_LIF) {
        double e = exp(-dt / tau_v);
        uu = v * e + tau_v * i * (1.0 - e);
        dv = e;
        di = tau_v * (1.0 - e);
    } else {
        uu = v + dt * i;
    }
    if (!(fabs(uu - v) < SG_DS_MAX_JUMP)) return 1;   /* also catches NaN */
    *u = uu;
    if (du_dv) *du_dv = dv;
    if (du_di) *du_di = di;
    return 0;
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

/* Signed threshold crossings n of the Euler step's end point u (|u - v| < SG_DS_MAX_JUMP),
 * started from a reset-range v; u - n is back in the reset range. */
SG_HD int sg_ds_spikes(int neuron, double u) {
    switch (neuron) {
    case SG_DS_NIF: return u >= 1.0 ? (int)floor(u) : (u <= -1.0 ? -(int)floor(-u) : 0);
    case SG_DS_QIF: return (int)floor(u);
    default: return u >= 1.0 ? (int)floor(u) : 0;
    }
}

/* The charge of a step from v to v_next with n crossings: n + G(v_next) - G(v). */
SG_HD double sg_ds_charge(int neuron, int gate, double width, int n, double v, double v_next) {
    return (n + sg_ds_gate_cdf(neuron, gate, width, v_next)) - sg_ds_gate_cdf(neuron, gate, width, v);
}

/* Charge + fire + reset: from v and I, the new voltage *v_next, the crossings *n, the flow's
 * partials *du_dv, *du_di (for the adjoint; either may be NULL) and the charge c (returned).
 * Returns NAN in *v_next when the step runs away (sg_ds_flow); the caller turns that into a status. */
SG_HD double sg_ds_step(int neuron, int gate, double width, double dt, double tau_v,
                        double v, double i, double* v_next, int* n, double* du_dv, double* du_di) {
    double u;
    if (sg_ds_flow(neuron, v, i, dt, tau_v, &u, du_dv, du_di) != 0) {
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

/* Adjoint of sg_ds_step from its partials du_dv, du_di: from lam_v' (dL/dv_next) and lam_c
 * (dL/dc), returns dL/dv and writes q = dL/dI. */
SG_HD double sg_ds_step_adjoint(int neuron, int gate, double width, double du_dv, double du_di,
                                double v, double v_next, double lam_v_next, double lam_c, double* q) {
    double lam_u = lam_v_next;
    if (lam_c != 0.0) lam_u += lam_c * sg_ds_gate_pdf(neuron, gate, width, v_next);
    *q = lam_u * du_di;
    double lam_v = lam_u * du_dv;
    if (lam_c != 0.0) lam_v -= lam_c * sg_ds_gate_pdf(neuron, gate, width, v);
    return lam_v;
}

#endif
