/* spikegrad: per-neuron LIF and LI math, host and device.
 *
 * Discrete-time LIF with a current synapse (DESIGN.md, model equations),
 * step dt, alpha = exp(-dt/tau_syn), beta = exp(-dt/tau_mem):
 *
 *   I[t] = alpha*I[t-1] + X[t]                          charge (current)
 *   U[t] = beta*V[t-1] + (1-beta)*I[t]                  charge (membrane)
 *   S[t] = H(U[t] - theta)  (sigma(U[t]-theta) smooth)  fire, H(0) = 0
 *   V[t] = U[t] - theta*S[t]                            reset subtract
 *        | U[t]*(1-S[t]) + v_reset*S[t]                 reset to value
 *        | U[t]                                         reset none
 *
 * Reverse-mode adjoint of one step (surrogate: dS/dU := g*sigma'(U-theta)):
 *
 *   gV[t]   = beta*gU[t+1]                    (dL/dV[t] through step t+1)
 *   gS[t]   = gS_ext[t] + gV[t]*dV/dS         (dV/dS dropped when detached)
 *   gU[t]   = gU_ext[t] + gV[t]*dV/dU + gS[t]*g*sigma'(U[t]-theta)
 *   gI[t]   = (1-beta)*gU[t] + alpha*gI[t+1]
 *   dL/dX[t]     = gI[t]
 *   dL/dalpha   += gI[t]*I[t-1]
 *   dL/dbeta    += gU[t]*(V[t-1] - I[t])
 *   dL/dtheta   += -gS[t]*g*sigma' + gV[t]*dV/dtheta    (dV/dtheta = -S, subtract)
 *   dL/dI[-1] = alpha*gI[0],  dL/dV[-1] = beta*gU[0]
 *
 * with dV/dU = 1 (subtract, none) or 1-S (to value) and dV/dS = -theta
 * (subtract), v_reset - U (to value), 0 (none). The reset's theta*S keeps its
 * theta gradient when the reset is detached: detaching cuts only dV/dS.
 *
 * The leaky integrator (LI) readout is the same charge without fire/reset:
 *   I[t] = alpha*I[t-1] + X[t],  U[t] = beta*U[t-1] + (1-beta)*I[t].
 */
#ifndef SPIKEGRAD_LIF_MATH_H
#define SPIKEGRAD_LIF_MATH_H

#include "sg_defs.h"
#include "surrogate.h"

/* Scalar settings of one LIF kernel call. Plain struct so that both the C
 * launchers and the JNI layer can pass it by pointer. The per-neuron functions below
 * take it by value: once inlined it dissolves into scalars that no output store can
 * alias, which keeps the neuron loops vectorisable. */
typedef struct sg_lif_config {
    int steps;         /* T >= 1                                          */
    int batch;         /* B >= 1                                          */
    int neurons;       /* N >= 1                                          */
    int reset;         /* enum sg_reset                                   */
    int surrogate;     /* enum sg_surrogate                               */
    float scale;       /* surrogate slope k or width w, > 0               */
    float gain;        /* g multiplying sigma' in the backward pass       */
    float v_reset;     /* V after a spike, SG_RESET_TO_VALUE only         */
    int detach_reset;  /* 1: the reset's S carries no gradient            */
    int smooth;        /* 1: forward uses sigma instead of H (not for ST) */
    int spike_dtype;   /* enum sg_dtype of the spike raster S: SG_F32, or
                          SG_U8 (1 byte per neuron-step; not in smooth mode) */
    float grad_cutoff; /* opt-in sparse backward: a surrogate derivative
                          g*sigma' below this is taken as 0, so dL/dS of a
                          neuron-step far from threshold is never needed
                          (Perez-Nieves & Goodman 2021). 0 = exact, >= 0. */
} sg_lif_config;

/* ---- forward parts (names follow SpikingJelly's charge / fire / reset) ---- */

SG_HD float sg_charge_current(float alpha, float i_prev, float x) {
    return alpha * i_prev + x;
}

SG_HD float sg_charge_membrane(float beta, float v_prev, float i) {
    return beta * v_prev + (1.0f - beta) * i;
}

SG_HD float sg_lif_fire(const sg_lif_config c, float u, float theta) {
    float x = u - theta;
    if (c.smooth) return sg_surrogate_step(c.surrogate, x, c.scale);
    return x > 0.0f ? 1.0f : 0.0f;
}

SG_HD float sg_lif_reset(const sg_lif_config c, float u, float s, float theta) {
    switch (c.reset) {
    case SG_RESET_SUBTRACT: return u - theta * s;
    case SG_RESET_TO_VALUE: return u * (1.0f - s) + c.v_reset * s;
    default: return u;
    }
}

/* One full forward step of one neuron: updates *i and *v (V after reset),
 * returns S[t]; writes U[t] to *u. */
SG_HD float sg_lif_step(const sg_lif_config c, float alpha, float beta, float theta,
                        float x, float* i, float* v, float* u) {
    float in = sg_charge_current(alpha, *i, x);
    float un = sg_charge_membrane(beta, *v, in);
    float s = sg_lif_fire(c, un, theta);
    *i = in;
    *u = un;
    *v = sg_lif_reset(c, un, s, theta);
    return s;
}

/* ---- backward partials ---- */

/* dS/dU as the backward pass uses it: g * sigma'(U - theta), or 0 where that falls
 * below the opt-in cut-off (exact when grad_cutoff = 0: sigma' >= 0 everywhere). */
SG_HD float sg_grad_s_to_u(const sg_lif_config c, float u, float theta) {
    float d = c.gain * sg_surrogate_grad(c.surrogate, u - theta, c.scale);
    return d < c.grad_cutoff ? 0.0f : d;
}

/* Adjoint of one LIF step for one neuron (see the table at the top).
 *   u        U[t]
 *   gs_ext   dL/dS[t] from outside the neuron (layers above, recurrence)
 *   gu_ext   dL/dU[t] from a membrane loss (0 when none)
 *   gv       dL/dV[t] through step t+1, i.e. beta*gU[t+1] (0 at t = T-1)
 *   gi_next  dL/dI[t+1] (0 at t = T-1)
 * Returns gU[t]; writes gI[t] to *gi and adds this step's dL/dtheta to *gtheta. */
SG_HD float sg_lif_backward_step(const sg_lif_config c, float alpha, float beta, float theta,
                                 float u, float gs_ext, float gu_ext, float gv, float gi_next,
                                 float* gi, float* gtheta) {
    float s = sg_lif_fire(c, u, theta);
    float gs = gs_ext;
    float gu = gu_ext;
    float gth = 0.0f;
    switch (c.reset) {
    case SG_RESET_SUBTRACT:
        gu += gv;
        if (!c.detach_reset) gs -= theta * gv;
        gth -= s * gv;
        break;
    case SG_RESET_TO_VALUE:
        gu += gv * (1.0f - s);
        if (!c.detach_reset) gs += gv * (c.v_reset - u);
        break;
    default:
        gu += gv;
        break;
    }
    float dsdu = sg_grad_s_to_u(c, u, theta);
    gu += gs * dsdu;
    gth -= gs * dsdu;
    *gi = (1.0f - beta) * gu + alpha * gi_next;
    *gtheta += gth;
    return gu;
}

/* LI readout backward: returns gU[t] = gu_ext + beta*gU[t+1]; writes gI[t]. */
SG_HD float sg_li_backward_step(float alpha, float beta, float gu_ext, float gu_next,
                                float gi_next, float* gi) {
    float gu = gu_ext + beta * gu_next;
    *gi = (1.0f - beta) * gu + alpha * gi_next;
    return gu;
}

#endif
