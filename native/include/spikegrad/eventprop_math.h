/* spikegrad: per-neuron math of exact event-based LIF simulation and its
 * EventProp adjoint (Wunderlich & Pehle, tables 1 and 2), host and device.
 * Double precision throughout (the Java reference, io.spikegrad.eventprop.NeuronMath
 * and EventPropBackward, is double; the functions below are its line-by-line twins so
 * that the CPU kernel reproduces it to rounding). Times in seconds.
 *
 * Free dynamics over a gap d >= 0 (no event inside):
 *   tau_mem dV/dt = -V + I,   tau_syn dI/dt = -I
 *   I(d) = I0 exp(-d/tau_syn)
 *   V(d) = V0 exp(-d/tau_mem) + I0 K(d; tau_mem, tau_syn)
 *   K(d; ta, tb) = (d/ta) exp(-min(1/ta,1/tb) d) phi(|1/ta - 1/tb| d),
 *   phi(x) = -expm1(-x)/x, phi(0) = 1     (no cancellation, equal constants included)
 *
 * Threshold crossing (theta > 0): if Vdot(0) <= 0 V never reaches theta; else V
 * rises up to dm = min(peak, horizon) and crosses iff V(dm) > theta strictly, the
 * root being unique in (0, dm): found by Newton safeguarded by bisection (rtsafe),
 * never by time stepping.
 *
 * Integral of V over a gap (the mean-voltage loss), from tau_mem dV/dt = -V + I:
 *   int_0^d V = int_0^d I - tau_mem (V(d) - V0),   int_0^d I = -I0 tau_syn expm1(-d/tau_syn)
 *
 * Adjoint between events (reverse time, eq. 10a-b) with a constant source g = dl_V/dV:
 *   mu = lambda + g obeys the source-free system, so over a reverse gap d
 *   lambda_V(d) = mu_V0 exp(-d/tau_mem) - g
 *   lambda_I(d) = mu_I0 exp(-d/tau_syn) + mu_V0 K(d; tau_syn, tau_mem) - g
 * Jump at a spike of neuron n (V^- = theta_n), eq. (30a) with eq. (33):
 *   Vdot^- = (I^- - theta)/tau_mem, clamped below at floor*theta/tau_mem
 *   lambda_Vn^- = lambda_Vn^+ + C/(tau_mem Vdot^-),
 *   C = dL/dt_k + theta lambda_Vn^+ + sum_m w_nm (lambda_Vm^+ - lambda_Im^+)
 *       (+ dL/dz_c Vdot_c^- for a readout c whose maximum z_c is the kink at this spike's arrival)
 * over every target m: the next layer and, for a recurrent layer, the own layer (n included).
 */
#ifndef SPIKEGRAD_EVENTPROP_MATH_H
#define SPIKEGRAD_EVENTPROP_MATH_H

#include <math.h>
#include "sg_defs.h"

/* (1 - exp(-x))/x, 1 at 0; for x >= 0. */
SG_HD double sg_ep_phi_minus(double x) {
    return x == 0 ? 1.0 : -expm1(-x) / x;
}

/* log1p(x)/x, 1 at 0; for x > -1. */
SG_HD double sg_ep_psi(double x) {
    return x == 0 ? 1.0 : log1p(x) / x;
}

/* The kernel K(d; ta, tb). */
SG_HD double sg_ep_kernel(double d, double ta, double tb) {
    double a = 1.0 / ta, b = 1.0 / tb;
    double mn = a < b ? a : b;
    return d * a * exp(-mn * d) * sg_ep_phi_minus(fabs(a - b) * d);
}

/* V(d) from V(0) = v0, I(0) = i0, no event in between. */
SG_HD double sg_ep_voltage(double d, double v0, double i0, double tau_mem, double tau_syn) {
    return v0 * exp(-d / tau_mem) + i0 * sg_ep_kernel(d, tau_mem, tau_syn);
}

/* I(d) = i0 exp(-d/tau_syn). */
SG_HD double sg_ep_current(double d, double i0, double tau_syn) {
    return i0 * exp(-d / tau_syn);
}

/* dV/dt = (I - V)/tau_mem. */
SG_HD double sg_ep_vdot(double v, double i, double tau_mem) {
    return (i - v) / tau_mem;
}

/* int_0^d V dt from V(0) = v0, I(0) = i0, no event in between. */
SG_HD double sg_ep_integral(double d, double v0, double i0, double tau_mem, double tau_syn) {
    double int_i = -i0 * tau_syn * expm1(-d / tau_syn);
    return int_i - tau_mem * (sg_ep_voltage(d, v0, i0, tau_mem, tau_syn) - v0);
}

/* The gap d > 0 at which Vdot(d) = 0, or +infinity (HUGE_VAL) when there is none:
 * d* = tau_syn r log1p(x)/x with r = 1 - v0/i0, x = r (tau_syn - tau_mem)/tau_mem. */
SG_HD double sg_ep_peak_time(double v0, double i0, double tau_mem, double tau_syn) {
    if (i0 == 0) return HUGE_VAL;
    double r = 1.0 - v0 / i0;
    if (!(r > 0)) return HUGE_VAL;
    double x = r * (tau_syn - tau_mem) / tau_mem;
    if (!(x > -1)) return HUGE_VAL;
    double d = tau_syn * r * sg_ep_psi(x);
    return (d > 0 && isfinite(d)) ? d : HUGE_VAL;
}

/* Java's Math.ulp for x >= 0 finite. */
SG_HD double sg_ep_ulp(double x) {
    return nextafter(x, HUGE_VAL) - x;
}

/* rtsafe on f(d) = V(d) - theta, increasing on [lo, hi], f(lo) < 0 < f(hi). */
SG_HD double sg_ep_root(double v0, double i0, double tau_mem, double tau_syn, double theta,
                        double lo, double hi, double flo, double fhi) {
    double x = lo + (hi - lo) * (-flo / (fhi - flo));
    if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
    double dx_old = hi - lo, dx = dx_old;
    for (int iter = 0; iter < 200; iter++) {
        double v = sg_ep_voltage(x, v0, i0, tau_mem, tau_syn);
        double f = v - theta;
        if (f == 0) return x;
        if (f < 0) lo = x; else hi = x;
        double df = sg_ep_vdot(v, sg_ep_current(x, i0, tau_syn), tau_mem);
        double tol = 2 * sg_ep_ulp(hi);
        if (hi - lo <= tol) return hi;
        double xn = x - f / df;
        if (!(xn > lo && xn < hi) || fabs(2 * (x - xn)) > fabs(dx_old)) {
            dx_old = dx;
            dx = 0.5 * (hi - lo);
            xn = lo + dx;
        } else {
            dx_old = dx;
            dx = x - xn;
        }
        if (fabs(dx) <= tol) return xn;
        x = xn;
    }
    return hi;
}

/* The first gap d in [0, horizon] at which V crosses theta > 0 upwards, or HUGE_VAL.
 * A state already above threshold (rounding) fires at d = 0. */
SG_HD double sg_ep_crossing(double v0, double i0, double tau_mem, double tau_syn, double theta, double horizon) {
    if (!(horizon >= 0)) return HUGE_VAL;
    if (v0 > theta || (v0 == theta && i0 > v0)) return 0.0;
    if (!(i0 > v0)) return HUGE_VAL;
    double dm = sg_ep_peak_time(v0, i0, tau_mem, tau_syn);
    if (dm > horizon) dm = horizon;
    double fhi = sg_ep_voltage(dm, v0, i0, tau_mem, tau_syn) - theta;
    if (!(fhi > 0)) return HUGE_VAL;
    return sg_ep_root(v0, i0, tau_mem, tau_syn, theta, 0.0, dm, v0 - theta, fhi);
}

/* Reverse-time closed form of one neuron's adjoint over a gap d > 0 (no source). */
SG_HD void sg_ep_adjoint_advance(double d, double tau_mem, double tau_syn, double* lam_v, double* lam_i) {
    double mu_v = *lam_v, mu_i = *lam_i;
    *lam_i = mu_i * exp(-d / tau_syn) + mu_v * sg_ep_kernel(d, tau_syn, tau_mem);
    *lam_v = mu_v * exp(-d / tau_mem);
}

/* The same with the constant source src = dl_V/dV (0 for every neuron but a mean-voltage
 * readout); with src = 0 it gives the bits of sg_ep_adjoint_advance. */
SG_HD void sg_ep_adjoint_advance_source(double d, double tau_mem, double tau_syn, double src, double* lam_v, double* lam_i) {
    double mu_v = *lam_v + src, mu_i = *lam_i + src;
    *lam_i = mu_i * exp(-d / tau_syn) + mu_v * sg_ep_kernel(d, tau_syn, tau_mem) - src;
    *lam_v = mu_v * exp(-d / tau_mem) - src;
}

/* Vdot^- of a spike from the stored I^- (V^- = theta), and whether the guard clamped it:
 * a genuine upward crossing has Vdot^- > 0; below floor = vdot_floor*theta/tau_mem it is
 * replaced by that floor (EventPropBackward's documented rule). */
SG_HD double sg_ep_guarded_vdot(double i_minus, double theta, double tau_mem, double vdot_floor, int* clamped) {
    double vdot = (i_minus - theta) / tau_mem;
    double floor = vdot_floor * theta / tau_mem;
    *clamped = 0;
    if (vdot < floor) {
        vdot = floor;
        *clamped = 1;
    }
    return vdot;
}

/* The jump of the firing neuron's lambda_V at its spike (eq. 30a); vdot is the
 * (already clamped) Vdot^-, c the bracket C of the header comment. Returns lambda_V^-. */
SG_HD double sg_ep_jump(double lam_v_plus, double c, double tau_mem, double vdot) {
    return lam_v_plus + c / (tau_mem * vdot);
}

#endif
