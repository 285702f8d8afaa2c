/* spikegrad CUDA: per-thread bodies of the LIF and LI kernels (host and device).
 *
 * Equations: the table at the top of lif_math.h (DESIGN.md, model equations); every body calls
 * the SG_HD per-neuron functions there (sg_lif_step, sg_lif_backward_step, sg_li_backward_step,
 * sg_charge_*, sg_lif_fire, sg_lif_reset), in the same order of floating-point operations as
 * kernels-cpu/lif_*.cpp, so the CPU tests cover this math and the emulation of these bodies
 * matches the CPU kernels bit for bit (nvcc builds with --fmad=false, g++ with
 * -ffp-contract=off).
 *
 * Grids (grid.h): feed-forward bodies run one thread per (sample, neuron), flat index
 * idx = b*N + n, so at step t a warp reads 32 consecutive floats of row (t, b) of every
 * [T][B][N] tensor (coalesced). Recurrent bodies run one block per sample (stepped kernels,
 * a barrier after every step): W_rec S[t-1] (forward) and W_rec^T dL/dX[t+1] (backward) need
 * all neurons of the sample at every step. The sums over presynaptic neurons j run in
 * increasing j, skipping zero spikes / zero gradients (a warp-uniform branch: every thread of
 * the block reads the same S[t-1][j]), exactly as the CPU kernels add them.
 *
 * Saved state: the forward saves I[t] only (as the CPU does); the backward recomputes U[t]
 * from I[t] with the forward's own arithmetic, in segments of SG_LIF_SEGMENT steps restarted
 * from V checkpoints [ceil(T/K)][B][N] written by a first pass, so that the recomputed
 * membranes (and spikes) equal the forward's bit for bit while the scratch stays at 1/K of a
 * [T][B][N] tensor for the feed-forward layer (the segment's U values live in the thread's
 * local memory). Per-neuron parameter gradients are written per sample and summed over the
 * batch by sg_batch_sum_thread in sample order (deterministic, no atomics). */
#ifndef SPIKEGRAD_CUDA_LIF_KERNELS_H
#define SPIKEGRAD_CUDA_LIF_KERNELS_H

#include "../lif_math.h"
#include "grid.h"

/* Steps per recompute segment of the backward (the local U buffer of one thread). */
#define SG_LIF_SEGMENT 32

SG_HD int sg_lif_segments(int steps) { return (steps + SG_LIF_SEGMENT - 1) / SG_LIF_SEGMENT; }

/* ---- forward ---- */

/* Buffers of sg_lif_forward (lif.h has every shape); v_state [B][N] is scratch of the
 * recurrent forward (V after step t, read at step t+1). */
typedef struct sg_lif_fwd_params {
    sg_lif_config c;
    const float *x, *w_rec, *alpha, *beta, *theta, *i0, *v0;
    void* s;
    float *i_save, *u_out, *v_last, *v_state;
} sg_lif_fwd_params;

/* Feed-forward: thread idx = b*N + n runs neuron n of sample b through all T steps. */
template <typename S_T>
SG_HD void sg_lif_forward_thread(const sg_lif_fwd_params& p, sg_thread th) {
    const sg_lif_config c = p.c;
    const int64_t BN = (int64_t)c.batch * c.neurons, idx = sg_global_index(th);
    if (idx >= BN) return;
    const int n = (int)(idx % c.neurons);
    const float al = p.alpha[n], be = p.beta[n], thr = p.theta[n];
    float i = p.i0[idx], v = p.v0[idx];
    S_T* s = (S_T*)p.s;
    for (int t = 0; t < c.steps; ++t) {
        const int64_t row = (int64_t)t * BN + idx;
        float u;
        s[row] = (S_T)sg_lif_step(c, al, be, thr, p.x[row], &i, &v, &u);
        p.i_save[row] = i;
        if (p.u_out) p.u_out[row] = u;
    }
    if (p.v_last) p.v_last[idx] = v;
}

/* Recurrent, step t of block b (one sample): I[t] = alpha I[t-1] + X[t] + sum_j S[t-1][j] w_rec[j][n]
 * for the neurons this thread owns. Reads S[t-1] of every neuron (complete: written before the
 * previous barrier), writes only its own neurons' S[t], I[t], V state. */
template <typename S_T>
SG_HD void sg_lif_forward_rec_step(const sg_lif_fwd_params& p, sg_thread th, int t) {
    const sg_lif_config c = p.c;
    const int B = c.batch, N = c.neurons, b = th.block;
    const int64_t BN = (int64_t)B * N;
    S_T* s = (S_T*)p.s;
    for (int n = th.thread; n < N; n += th.block_dim) {
        const int64_t sidx = (int64_t)b * N + n, row = (int64_t)t * BN + sidx;
        float in = p.x[row];
        if (t > 0) {
            const S_T* prev = s + (int64_t)(t - 1) * BN + (int64_t)b * N;
            for (int j = 0; j < N; ++j) {
                const S_T sj = prev[j];
                if (sj != 0) in += (float)sj * p.w_rec[(int64_t)j * N + n];
            }
        }
        float i = t > 0 ? p.i_save[row - BN] : p.i0[sidx];
        float v = t > 0 ? p.v_state[sidx] : p.v0[sidx];
        float u;
        s[row] = (S_T)sg_lif_step(c, p.alpha[n], p.beta[n], p.theta[n], in, &i, &v, &u);
        p.i_save[row] = i;
        if (p.u_out) p.u_out[row] = u;
        p.v_state[sidx] = v;
        if (p.v_last && t == c.steps - 1) p.v_last[sidx] = v;
    }
}

/* ---- backward ---- */

/* Buffers of sg_lif_backward (lif.h) plus scratch:
 *   ck       [ceil(T/K)][B][N] V at the start of each segment (V[t0-1], v0 for t0 = 0)
 *   part     [3][B][N] per-sample dL/dalpha, dL/dbeta, dL/dtheta
 * recurrent only:
 *   w_t      [N][N] W_rec transposed, w_t[n*N + j] = w_rec[j*N + n] (the CPU's w_rec_t)
 *   useg     [K][B][N] the recomputed U of the current segment
 *   state    [5][B][N] gU, gI, dalpha, dbeta, dtheta carried between steps */
typedef struct sg_lif_bwd_params {
    sg_lif_config c;
    const float *w_rec, *alpha, *beta, *theta, *i0, *v0, *i_save, *grad_s, *grad_u;
    float *grad_x, *grad_i0, *grad_v0;
    float *ck, *part, *w_t, *useg, *state;
} sg_lif_bwd_params;

/* V after step t from U[t]: the forward's reset. */
SG_HD float sg_lif_v_after(const sg_lif_config c, float u, float theta) {
    return sg_lif_reset(c, u, sg_lif_fire(c, u, theta), theta);
}

/* Pass 1 for neuron n of sample (idx = b*N + n): the V checkpoints of every segment. */
SG_HD void sg_lif_checkpoints(const sg_lif_bwd_params& p, int64_t idx, int n) {
    const sg_lif_config c = p.c;
    const int64_t BN = (int64_t)c.batch * c.neurons;
    const float be = p.beta[n], thr = p.theta[n];
    float v = p.v0[idx];
    for (int t = 0; t < c.steps; ++t) {
        if (t % SG_LIF_SEGMENT == 0) p.ck[(int64_t)(t / SG_LIF_SEGMENT) * BN + idx] = v;
        const float u = sg_charge_membrane(be, v, p.i_save[(int64_t)t * BN + idx]);
        v = sg_lif_v_after(c, u, thr);
    }
}

SG_HD void sg_lif_checkpoints_thread(const sg_lif_bwd_params& p, sg_thread th) {
    const int64_t BN = (int64_t)p.c.batch * p.c.neurons, idx = sg_global_index(th);
    if (idx >= BN) return;
    sg_lif_checkpoints(p, idx, (int)(idx % p.c.neurons));
}

/* U[t] for t in segment seg, recomputed from its checkpoint into u[(t - t0) * stride]. */
SG_HD void sg_lif_recompute_segment(const sg_lif_bwd_params& p, int64_t idx, int n, int seg,
                                    float* u, int64_t stride) {
    const sg_lif_config c = p.c;
    const int64_t BN = (int64_t)c.batch * c.neurons;
    const int t0 = seg * SG_LIF_SEGMENT;
    const int t1 = t0 + SG_LIF_SEGMENT < c.steps ? t0 + SG_LIF_SEGMENT : c.steps;
    const float be = p.beta[n], thr = p.theta[n];
    float v = p.ck[(int64_t)seg * BN + idx];
    for (int t = t0; t < t1; ++t) {
        const float un = sg_charge_membrane(be, v, p.i_save[(int64_t)t * BN + idx]);
        u[(int64_t)(t - t0) * stride] = un;
        v = sg_lif_v_after(c, un, thr);
    }
}

/* The adjoint carried backwards in time for one neuron of one sample. */
typedef struct sg_lif_adjoint {
    float gu, gi, ga, gb, gth;
} sg_lif_adjoint;

/* Adjoint of step t for neuron n of sample (idx = b*N + n), as kernels-cpu/lif_backward.cpp:
 * u = U[t], v_prev = V[t-1], gs_extra = dL/dS[t] through the recurrence (0 feed-forward). */
SG_HD void sg_lif_adjoint_step(const sg_lif_bwd_params& p, int64_t idx, int n, int t, float u, float v_prev,
                               float gs, sg_lif_adjoint* a) {
    const sg_lif_config c = p.c;
    const int64_t BN = (int64_t)c.batch * c.neurons, row = (int64_t)t * BN + idx;
    const float al = p.alpha[n], be = p.beta[n];
    const float gu_ext = p.grad_u ? p.grad_u[row] : 0.0f;
    float gi_t;
    const float gu_t = sg_lif_backward_step(c, al, be, p.theta[n], u, gs, gu_ext, be * a->gu, a->gi, &gi_t, &a->gth);
    p.grad_x[row] = gi_t;
    const float i_prev = t > 0 ? p.i_save[row - BN] : p.i0[idx];
    a->ga += gi_t * i_prev;
    a->gb += gu_t * (v_prev - p.i_save[row]);
    a->gu = gu_t;
    a->gi = gi_t;
}

/* Writes dL/dI[-1], dL/dV[-1] and the per-sample parameter partials of one neuron. */
SG_HD void sg_lif_adjoint_finish(const sg_lif_bwd_params& p, int64_t idx, int n, const sg_lif_adjoint* a) {
    const int64_t BN = (int64_t)p.c.batch * p.c.neurons;
    p.grad_i0[idx] = p.alpha[n] * a->gi;
    p.grad_v0[idx] = p.beta[n] * a->gu;
    p.part[idx] = a->ga;
    p.part[BN + idx] = a->gb;
    p.part[2 * BN + idx] = a->gth;
}

/* Feed-forward backward: thread idx = b*N + n, checkpoints, then every segment from the last:
 * recompute its U into a local buffer, run the adjoint over it in reverse time. */
SG_HD void sg_lif_backward_thread(const sg_lif_bwd_params& p, sg_thread th) {
    const sg_lif_config c = p.c;
    const int64_t BN = (int64_t)c.batch * c.neurons, idx = sg_global_index(th);
    if (idx >= BN) return;
    const int n = (int)(idx % c.neurons);
    const float thr = p.theta[n];
    sg_lif_checkpoints(p, idx, n);
    sg_lif_adjoint a = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    float u[SG_LIF_SEGMENT];
    for (int seg = sg_lif_segments(c.steps) - 1; seg >= 0; --seg) {
        const int t0 = seg * SG_LIF_SEGMENT;
        const int t1 = t0 + SG_LIF_SEGMENT < c.steps ? t0 + SG_LIF_SEGMENT : c.steps;
        sg_lif_recompute_segment(p, idx, n, seg, u, 1);
        for (int t = t1 - 1; t >= t0; --t) {
            // V[t-1]: the checkpoint at a segment start (v0 at t = 0), else the reset of U[t-1]
            const float v_prev = t == t0 ? p.ck[(int64_t)seg * BN + idx] : sg_lif_v_after(c, u[t - 1 - t0], thr);
            sg_lif_adjoint_step(p, idx, n, t, u[t - t0], v_prev, p.grad_s[(int64_t)t * BN + idx], &a);
        }
    }
    sg_lif_adjoint_finish(p, idx, n, &a);
}

/* Recurrent backward, W_rec^T for coalesced reads: w_t[n*N + j] = w_rec[j*N + n]; thread idx = j*N + n. */
SG_HD void sg_transpose_thread(const float* w, float* w_t, int neurons, sg_thread th) {
    const int64_t idx = sg_global_index(th);
    if (idx >= (int64_t)neurons * neurons) return;
    const int64_t j = idx / neurons, n = idx % neurons;
    w_t[n * neurons + j] = w[idx];
}

/* Recurrent backward, step s = 0 .. T-1 (time t = T-1-s) of block b, for the neurons this
 * thread owns: at the last step of a segment, recompute that segment's U into useg; add
 * dL/dS[t] through I[t+1] = sum_m w_rec[n][m] dL/dX[t+1][m] (grad_x[t+1] is complete: written
 * before the previous barrier); run the adjoint of step t. */
SG_HD void sg_lif_backward_rec_step(const sg_lif_bwd_params& p, sg_thread th, int s) {
    const sg_lif_config c = p.c;
    const int T = c.steps, B = c.batch, N = c.neurons, b = th.block, t = T - 1 - s;
    const int64_t BN = (int64_t)B * N;
    const int seg = t / SG_LIF_SEGMENT, t0 = seg * SG_LIF_SEGMENT;
    const bool seg_end = t == T - 1 || t % SG_LIF_SEGMENT == SG_LIF_SEGMENT - 1;
    for (int n = th.thread; n < N; n += th.block_dim) {
        const int64_t idx = (int64_t)b * N + n, row = (int64_t)t * BN + idx;
        sg_lif_adjoint a;
        if (s == 0) {
            a.gu = a.gi = a.ga = a.gb = a.gth = 0.0f;
        } else {
            a.gu = p.state[idx];
            a.gi = p.state[BN + idx];
            a.ga = p.state[2 * BN + idx];
            a.gb = p.state[3 * BN + idx];
            a.gth = p.state[4 * BN + idx];
        }
        if (seg_end) sg_lif_recompute_segment(p, idx, n, seg, p.useg + idx, BN);
        float gs_rec = 0.0f;
        if (t < T - 1) {
            const float* gx = p.grad_x + (int64_t)(t + 1) * BN + (int64_t)b * N;
            for (int m = 0; m < N; ++m) {
                const float g = gx[m];
                if (g != 0.0f) gs_rec += g * p.w_t[(int64_t)m * N + n];
            }
        }
        const float u = p.useg[(int64_t)(t - t0) * BN + idx];
        const float v_prev = t == t0 ? p.ck[(int64_t)seg * BN + idx]
                                     : sg_lif_v_after(c, p.useg[(int64_t)(t - 1 - t0) * BN + idx], p.theta[n]);
        sg_lif_adjoint_step(p, idx, n, t, u, v_prev, p.grad_s[row] + gs_rec, &a);
        p.state[idx] = a.gu;
        p.state[BN + idx] = a.gi;
        p.state[2 * BN + idx] = a.ga;
        p.state[3 * BN + idx] = a.gb;
        p.state[4 * BN + idx] = a.gth;
    }
}

/* Recurrent backward epilogue: thread idx = b*N + n writes what sg_lif_adjoint_finish writes. */
SG_HD void sg_lif_backward_rec_finish_thread(const sg_lif_bwd_params& p, sg_thread th) {
    const int64_t BN = (int64_t)p.c.batch * p.c.neurons, idx = sg_global_index(th);
    if (idx >= BN) return;
    sg_lif_adjoint a;
    a.gu = p.state[idx];
    a.gi = p.state[BN + idx];
    a.ga = p.state[2 * BN + idx];
    a.gb = p.state[3 * BN + idx];
    a.gth = p.state[4 * BN + idx];
    sg_lif_adjoint_finish(p, idx, (int)(idx % p.c.neurons), &a);
}

/* out[n] = sum over b in increasing order of part[b*N + n] (thread n): the CPU's reduce_batch. */
SG_HD void sg_batch_sum_thread(const float* part, int batch, int neurons, float* out, sg_thread th) {
    const int64_t n = sg_global_index(th);
    if (n >= neurons) return;
    float acc = 0.0f;
    for (int b = 0; b < batch; ++b) acc += part[(int64_t)b * neurons + n];
    out[n] = acc;
}

/* ---- where the backward will use dL/dS (sg_lif_surrogate_mask of lif.h) ---- */

typedef struct sg_lif_mask_params {
    sg_lif_config c;
    const float *beta, *theta, *v0, *i_save;
    uint8_t* mask;     /* [T][B][N] */
    double* count;     /* [B][N] per-neuron counts, summed by the reduction kernels */
} sg_lif_mask_params;

/* Thread idx = b*N + n: U[t] recomputed from I[t] as the backward does, mask = (g*sigma' != 0). */
SG_HD void sg_lif_surrogate_mask_thread(const sg_lif_mask_params& p, sg_thread th) {
    const sg_lif_config c = p.c;
    const int64_t BN = (int64_t)c.batch * c.neurons, idx = sg_global_index(th);
    if (idx >= BN) return;
    const int n = (int)(idx % c.neurons);
    const float be = p.beta[n], thr = p.theta[n];
    float v = p.v0[idx];
    int set = 0;
    for (int t = 0; t < c.steps; ++t) {
        const int64_t row = (int64_t)t * BN + idx;
        const float u = sg_charge_membrane(be, v, p.i_save[row]);
        v = sg_lif_v_after(c, u, thr);
        const uint8_t on = sg_grad_s_to_u(c, u, thr) != 0.0f;
        p.mask[row] = on;
        set += on;
    }
    p.count[idx] = (double)set;
}

/* ---- leaky-integrator readout ---- */

typedef struct sg_li_params {
    int steps, batch, neurons;
    const float *x, *alpha, *beta, *i0, *u0, *u_out_in, *i_save_in, *grad_u;
    float *u_out, *i_save, *grad_x, *grad_i0, *grad_u0, *part;  // part [2][B][N]
} sg_li_params;

/* LI forward, thread idx = b*N + n (kernels-cpu/li_forward.cpp). */
SG_HD void sg_li_forward_thread(const sg_li_params& p, sg_thread th) {
    const int64_t BN = (int64_t)p.batch * p.neurons, idx = sg_global_index(th);
    if (idx >= BN) return;
    const int n = (int)(idx % p.neurons);
    const float al = p.alpha[n], be = p.beta[n];
    float i = p.i0[idx], u = p.u0[idx];
    for (int t = 0; t < p.steps; ++t) {
        const int64_t row = (int64_t)t * BN + idx;
        i = sg_charge_current(al, i, p.x[row]);
        u = sg_charge_membrane(be, u, i);
        p.i_save[row] = i;
        p.u_out[row] = u;
    }
}

/* LI backward, thread idx = b*N + n (kernels-cpu/li_backward.cpp); u_out_in/i_save_in are the
 * forward's outputs. */
SG_HD void sg_li_backward_thread(const sg_li_params& p, sg_thread th) {
    const int64_t BN = (int64_t)p.batch * p.neurons, idx = sg_global_index(th);
    if (idx >= BN) return;
    const int n = (int)(idx % p.neurons);
    const float al = p.alpha[n], be = p.beta[n];
    float gu = 0.0f, gi = 0.0f, ga = 0.0f, gb = 0.0f;
    for (int t = p.steps - 1; t >= 0; --t) {
        const int64_t row = (int64_t)t * BN + idx;
        float gi_t;
        gu = sg_li_backward_step(al, be, p.grad_u[row], gu, gi, &gi_t);
        gi = gi_t;
        p.grad_x[row] = gi_t;
        const float i_prev = t > 0 ? p.i_save_in[row - BN] : p.i0[idx];
        const float u_prev = t > 0 ? p.u_out_in[row - BN] : p.u0[idx];
        ga += gi_t * i_prev;
        gb += gu * (u_prev - p.i_save_in[row]);
    }
    p.grad_i0[idx] = al * gi;
    p.grad_u0[idx] = be * gu;
    p.part[idx] = ga;
    p.part[BN + idx] = gb;
}

#endif
