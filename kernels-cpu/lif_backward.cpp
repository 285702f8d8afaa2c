/* spikegrad CPU: LIF surrogate backward over all T steps (sg_lif_backward, lif.h).
 * Adjoint: the table at the top of lif_math.h; per-neuron math is the SG_HD
 * sg_lif_backward_step shared with kernels-cuda/lif_backward.cu.
 *
 * Only I[t] was saved. Each work item first recomputes U[t] forward from
 * I[t] with the forward's own functions (same bits, same spikes), then runs
 * the adjoint in reverse time. Per-neuron parameter gradients are written per
 * sample and summed over the batch in a fixed order (reduce_batch), or left out
 * when the caller passes no outputs for them (lif.h). */
#include <algorithm>
#include <vector>

#include "cpu_common.h"
#include "lif_coupling.h"
#include "narrow_product.h"

namespace {

struct Args {
    const sg_lif_config* c;
    const float *w_rec, *w_rec_p, *alpha, *beta, *theta, *i0, *v0, *i_save, *grad_s, *grad_u;
    // dL/dS as a product (sg_lif_backward_product): grad_s is null, next_p the next layer's
    // weights in [group][k_next][kGroup] panels
    const float *g_next, *next_p;
    int k_next;
    float *grad_x, *grad_i0, *grad_v0;
    float *part_alpha, *part_beta, *part_theta;  // [B][N] per-sample partials
    bool params;  // the alpha, beta, theta gradients are wanted (else their sums are skipped)
};

/* Neurons per group of the feed-forward backward: a group's adjoint state (eight rows of kGroup
 * floats) stays in L1 over all T steps, its U and V histories in L2. Each step reads and writes
 * one row of kGroup floats per tensor, B*N floats apart; 64 (four cache lines a row) ran the
 * shd-ff backward in 2.5-3.1 ms where 16 took 4.7-5.1 ms (deep's 12-13.5 vs 24 ms); 128 and
 * 256 were no faster. */
constexpr int kGroup = 64;
static_assert(kGroup == sg::kNarrowPanel, "a group takes one panel of the next layer's weights (sg_lif_backward_product)");
/* Steps ahead at which the time sweeps prefetch their rows. */
constexpr int kAhead = 8;

/* Per-part scratch of the feed-forward backward: the U and V histories of one group, [T][kGroup] each. */
size_t feedforward_scratch(int T) { return 2 * (size_t)T * kGroup; }

/* Neurons [n0, n0+len) of sample b, len = W when W > 0 (a full group, every loop of compile-time
 * length), else the runtime len of the layer's last group: recompute U forward, then the adjoint
 * in reverse time. The settings the SG_HD math branches on are compile-time constants here
 * (sg::specialise), so the neuron loops vectorise. P: the per-sample sums of dL/dalpha,
 * dL/dbeta, dL/dtheta are formed; without them (no learnable tau or threshold) the reverse
 * sweep neither reads I[t] again nor keeps the V history, and shd-ff's backward took 0.8-1.4
 * instead of 1.5-1.8 ms (C harness, 2 threads); dL/dX and the rest keep their bits. */
template <int RESET, int DETACH, int SURR, int SMOOTH, int W, bool P>
SG_CPU_CLONES void backward_group(const Args& a0, int b, int n0, int len, float* __restrict u_hist) {
    const sg_lif_config c = sg::specialise<RESET, DETACH, SURR, SMOOTH>(*a0.c);
    const Args& a = a0;  // buffers only; the settings come from the local c
    constexpr int G = W > 0 ? W : kGroup;
    const int L = W > 0 ? W : len;
    const int B = c.batch, N = c.neurons, T = c.steps;
    const size_t bn = (size_t)B * N, s0 = (size_t)b * N + n0;
    float al[G], be[G], th[G], v[G], gu[G], gi[G], ga[G], gb[G], gth[G];
    float* __restrict v_hist = u_hist + (size_t)T * G;  // V[t] after the reset
    for (int k = 0; k < L; ++k) {
        al[k] = a.alpha[n0 + k];
        be[k] = a.beta[n0 + k];
        th[k] = a.theta[n0 + k];
        v[k] = a.v0[s0 + k];
        gu[k] = gi[k] = ga[k] = gb[k] = gth[k] = 0.0f;
    }
    // U[t] with the forward's own arithmetic (same bits, same spikes)
    for (int t = 0; t < T; ++t) {
        const float* __restrict i = a.i_save + (size_t)t * bn + s0;
        if (t + kAhead < T) sg::prefetch_row(i + kAhead * bn, L, false);
        float* __restrict u_row = u_hist + (size_t)t * G;
#pragma GCC ivdep
        for (int k = 0; k < L; ++k) {
            const float u = sg_charge_membrane(be[k], v[k], i[k]);
            u_row[k] = u;
            v[k] = sg_lif_reset(c, u, sg_lif_fire(c, u, th[k]), th[k]);
            if (P) v_hist[(size_t)t * G + k] = v[k];  // read only by the beta gradient
        }
    }
    alignas(32) float gs_next[kGroup];
    const float* __restrict panel = a.g_next ? a.next_p + (size_t)(n0 / kGroup) * a.k_next * kGroup : nullptr;
    for (int t = T - 1; t >= 0; --t) {
        const size_t row = (size_t)t * bn + s0;
        const float* __restrict u_row = u_hist + (size_t)t * G;
        const float* i_row = a.i_save + row;  // grad_x may be i_save: I[t] is read before dL/dX[t] is written
        const float* __restrict i_prev = t > 0 ? a.i_save + row - bn : a.i0 + s0;
        const float* __restrict gs_row;
        if (panel) {
            const float* __restrict gn = a.g_next + ((size_t)t * B + b) * a.k_next;
            if (t >= kAhead) sg::prefetch_row(gn - (size_t)kAhead * B * a.k_next, a.k_next, false);
            sg::narrow_row(gn, panel, a.k_next, gs_next);
            gs_row = gs_next;
        } else {
            gs_row = a.grad_s + row;
        }
        float* gx_row = a.grad_x + row;
        if (t >= kAhead) {
            // rows of one group lie B*N floats apart, pages apart: the hardware prefetchers
            // do not follow, so the reverse sweep asks for its rows kAhead steps early
            if (P) sg::prefetch_row(i_row - kAhead * bn, L, false);  // read by the parameter sums only
            if (!panel) sg::prefetch_row(gs_row - kAhead * bn, L, false);
            sg::prefetch_row(gx_row - kAhead * bn, L, true);
            if (a.grad_u) sg::prefetch_row(a.grad_u + row - kAhead * bn, L, false);
        }
        const float* __restrict v_prev = t > 0 ? v_hist + (size_t)(t - 1) * G : a.v0 + s0;
        if (a.grad_u) {
            const float* __restrict gu_row = a.grad_u + row;
#pragma GCC ivdep
            for (int k = 0; k < L; ++k) {
                float gi_t, gth_t = 0.0f;
                const float i_t = P ? i_row[k] : 0.0f;  // before gx_row[k] is written
                const float gu_t = sg_lif_backward_step(c, al[k], be[k], th[k], u_row[k], gs_row[k], gu_row[k],
                                                        be[k] * gu[k], gi[k], &gi_t, &gth_t);
                gx_row[k] = gi_t;
                if (P) {
                    gth[k] += gth_t;
                    ga[k] += gi_t * i_prev[k];
                    gb[k] += gu_t * (v_prev[k] - i_t);
                }
                gu[k] = gu_t;
                gi[k] = gi_t;
            }
        } else {
#pragma GCC ivdep
            for (int k = 0; k < L; ++k) {
                float gi_t, gth_t = 0.0f;
                const float i_t = P ? i_row[k] : 0.0f;  // before gx_row[k] is written
                const float gu_t = sg_lif_backward_step(c, al[k], be[k], th[k], u_row[k], gs_row[k], 0.0f,
                                                        be[k] * gu[k], gi[k], &gi_t, &gth_t);
                gx_row[k] = gi_t;
                if (P) {
                    gth[k] += gth_t;
                    ga[k] += gi_t * i_prev[k];
                    gb[k] += gu_t * (v_prev[k] - i_t);
                }
                gu[k] = gu_t;
                gi[k] = gi_t;
            }
        }
    }
    for (int k = 0; k < L; ++k) {
        a.grad_i0[s0 + k] = al[k] * gi[k];
        a.grad_v0[s0 + k] = be[k] * gu[k];
        if (P) {
            a.part_alpha[s0 + k] = ga[k];
            a.part_beta[s0 + k] = gb[k];
            a.part_theta[s0 + k] = gth[k];
        }
    }
}

template <int RESET, int DETACH, int SURR, int SMOOTH>
inline void backward_item(const Args& a, int b, int n0, int len, float* u_hist) {
    sg::dispatch_bool(a.params, [&]<bool P>() {
        if (len == kGroup) backward_group<RESET, DETACH, SURR, SMOOTH, kGroup, P>(a, b, n0, len, u_hist);
        else backward_group<RESET, DETACH, SURR, SMOOTH, 0, P>(a, b, n0, len, u_hist);
    });
}

void backward_feedforward(const Args& a, float* scratch) {
    const sg_lif_config& c = *a.c;
    const int B = c.batch, N = c.neurons, T = c.steps;
    const int64_t ngroup = (N + kGroup - 1) / kGroup;
    sg::parallel_for((int64_t)B * ngroup, [&, c](int part, int64_t begin, int64_t end) {
        Args al = a;  // settings by value in this thread: no aliasing with the outputs
        al.c = &c;
        float* u_hist = scratch + (size_t)part * feedforward_scratch(T);
        for (int64_t item = begin; item < end; ++item) {
            const int b = (int)(item / ngroup);
            const int n0 = (int)(item % ngroup) * kGroup;
            const int len = N - n0 < kGroup ? N - n0 : kGroup;
            sg::dispatch_reset(c.reset, [&]<int R>() {
                if (c.smooth) {
                    // smooth mode (verification): the surrogate stays a runtime choice
                    if (c.detach_reset) backward_item<R, 1, -1, 1>(al, b, n0, len, u_hist);
                    else backward_item<R, 0, -1, 1>(al, b, n0, len, u_hist);
                    return;
                }
                sg::dispatch_surrogate(c.surrogate, [&]<int K>() {
                    if (c.detach_reset) backward_item<R, 1, K, 0>(al, b, n0, len, u_hist);
                    else backward_item<R, 0, K, 0>(al, b, n0, len, u_hist);
                });
            });
        }
    });
}

/* ---- recurrent ----
 *
 * W_rec couples the neurons of a sample from one step to the next: dL/dS[t-1][j] gains
 * sum_n w_rec[j][n] dL/dX[t][n]. Each thread takes a block of samples and sweeps time
 * backwards over all of them in lockstep; at every step the coupling of the whole block is
 * one small product GS[b][j] = sum_n GX[b][n] w_rec_t[n][j] (w_rec_t = W_rec^T, row n = the
 * weights into neuron n), tiled so that four samples share every load of a weight row. Each
 * entry sums n in increasing order, whatever the block or thread count. */

/* Floats of recurrent scratch per sample: U and V histories [T][N] and six [N] rows; and per
 * block one row of dL/dS (a product's), counted here per sample for simplicity. */
size_t recurrent_scratch(int T, int N) { return 2 * (size_t)T * N + 6 * (size_t)N + (size_t)(N + kGroup - 1) / kGroup * kGroup; }

/* Samples [b0, b1) of the recurrent backward, in lockstep over time. */
template <int RESET, int DETACH, int SURR, int SMOOTH, bool P>
SG_CPU_CLONES void recurrent_block(const Args& a0, int b0, int b1, float* scratch) {
    const sg_lif_config c = sg::specialise<RESET, DETACH, SURR, SMOOTH>(*a0.c);
    const Args& a = a0;
    const int B = c.batch, N = c.neurons, T = c.steps, nb = b1 - b0;
    const size_t bn = (size_t)B * N, block = (size_t)nb * N;
    float* __restrict u_hist = scratch;                     // [T][nb][N]
    float* __restrict v_hist = u_hist + (size_t)T * block;  // [T][nb][N], V after the reset
    float* __restrict gs_rec = v_hist + (size_t)T * block;  // [nb][N]
    float* __restrict gu = gs_rec + block;
    float* __restrict gi = gu + block;
    float* __restrict ga = gi + block;
    float* __restrict gb = ga + block;
    float* __restrict gth = gb + block;
    float* __restrict gs_next = gth + block;  // [N rounded up to kGroup] one row of dL/dS from the product
    const float* __restrict al = a.alpha;
    const float* __restrict be = a.beta;
    const float* __restrict th = a.theta;
    // U[t] and V[t] with the forward's own arithmetic
    for (int q = 0; q < nb; ++q) {
        const float* v0 = a.v0 + (size_t)(b0 + q) * N;
        for (int t = 0; t < T; ++t) {
            const float* __restrict i = a.i_save + (size_t)t * bn + (size_t)(b0 + q) * N;
            const float* __restrict vp = t > 0 ? v_hist + ((size_t)(t - 1) * nb + q) * N : v0;
            float* __restrict u_row = u_hist + ((size_t)t * nb + q) * N;
            float* __restrict v_row = v_hist + ((size_t)t * nb + q) * N;
#pragma GCC ivdep
            for (int n = 0; n < N; ++n) {
                const float u = sg_charge_membrane(be[n], vp[n], i[n]);
                u_row[n] = u;
                v_row[n] = sg_lif_reset(c, u, sg_lif_fire(c, u, th[n]), th[n]);
            }
        }
    }
    for (size_t k = 0; k < 6 * block; ++k) gs_rec[k] = 0.0f;
    for (int t = T - 1; t >= 0; --t) {
        for (int q = 0; q < nb; ++q) {
            const int b = b0 + q;
            const size_t row = (size_t)t * bn + (size_t)b * N, st = (size_t)q * N;
            const float* __restrict u_row = u_hist + ((size_t)t * nb + q) * N;
            const float* __restrict v_prev = t > 0 ? v_hist + ((size_t)(t - 1) * nb + q) * N : a.v0 + (size_t)b * N;
            const float* i_row = a.i_save + row;  // grad_x may be i_save: I[t] is read before dL/dX[t] is written
            const float* __restrict i_prev = t > 0 ? a.i_save + row - bn : a.i0 + (size_t)b * N;
            const float* __restrict gs_row;
            if (a.g_next) {  // dL/dS[t] of this sample from the next layer, 64 neurons per panel
                const float* gn = a.g_next + ((size_t)t * B + b) * a.k_next;
                for (int n0 = 0; n0 < N; n0 += kGroup)
                    sg::narrow_row(gn, a.next_p + (size_t)(n0 / kGroup) * a.k_next * kGroup, a.k_next, gs_next + n0);
                gs_row = gs_next;
            } else {
                gs_row = a.grad_s + row;
            }
            const float* __restrict gu_row = a.grad_u ? a.grad_u + row : nullptr;
            const float* __restrict gsr = gs_rec + st;
            float* gx_row = a.grad_x + row;
            float* __restrict gu_s = gu + st;
            float* __restrict gi_s = gi + st;
            float* __restrict ga_s = ga + st;
            float* __restrict gb_s = gb + st;
            float* __restrict gth_s = gth + st;
            // one loop per case: a conditional inside would stop the vectoriser
            if (gu_row) {
#pragma GCC ivdep
                for (int n = 0; n < N; ++n) {
                    float gi_t, gth_t = 0.0f;
                    const float i_t = P ? i_row[n] : 0.0f;  // before gx_row[n] is written
                    const float gu_t = sg_lif_backward_step(c, al[n], be[n], th[n], u_row[n], gs_row[n] + gsr[n],
                                                            gu_row[n], be[n] * gu_s[n], gi_s[n], &gi_t, &gth_t);
                    gx_row[n] = gi_t;
                    if (P) {
                        gth_s[n] += gth_t;
                        ga_s[n] += gi_t * i_prev[n];
                        gb_s[n] += gu_t * (v_prev[n] - i_t);
                    }
                    gu_s[n] = gu_t;
                    gi_s[n] = gi_t;
                }
            } else {
#pragma GCC ivdep
                for (int n = 0; n < N; ++n) {
                    float gi_t, gth_t = 0.0f;
                    const float i_t = P ? i_row[n] : 0.0f;  // before gx_row[n] is written
                    const float gu_t = sg_lif_backward_step(c, al[n], be[n], th[n], u_row[n], gs_row[n] + gsr[n],
                                                            0.0f, be[n] * gu_s[n], gi_s[n], &gi_t, &gth_t);
                    gx_row[n] = gi_t;
                    if (P) {
                        gth_s[n] += gth_t;
                        ga_s[n] += gi_t * i_prev[n];
                        gb_s[n] += gu_t * (v_prev[n] - i_t);
                    }
                    gu_s[n] = gu_t;
                    gi_s[n] = gi_t;
                }
            }
        }
        // dL/dS[t-1] of the block through I[t]: rows b0..b1 of grad_x[t] are contiguous
        if (t > 0) sg::coupling_product(a.grad_x + (size_t)t * bn + (size_t)b0 * N, a.w_rec_p, gs_rec, nb, N);
    }
    for (int q = 0; q < nb; ++q) {
        for (int n = 0; n < N; ++n) {
            const size_t sidx = (size_t)(b0 + q) * N + n, st = (size_t)q * N + n;
            a.grad_i0[sidx] = al[n] * gi[st];
            a.grad_v0[sidx] = be[n] * gu[st];
            if (P) {
                a.part_alpha[sidx] = ga[st];
                a.part_beta[sidx] = gb[st];
                a.part_theta[sidx] = gth[st];
            }
        }
    }
}

void backward_recurrent(const Args& a, float* scratch, size_t per_sample) {
    const sg_lif_config& c = *a.c;
    const int B = c.batch;
    const int parts = sg::parts_for(B);
    const size_t per_part = per_sample * (size_t)((B + parts - 1) / parts);
    sg::parallel_for(B, [&, c](int part, int64_t begin, int64_t end) {
        Args al = a;
        al.c = &c;
        float* s = scratch + (size_t)part * per_part;
        const int b0 = (int)begin, b1 = (int)end;
        sg::dispatch_reset(c.reset, [&]<int R>() {
            if (c.smooth) {
                // smooth mode (verification) always sums them
                if (c.detach_reset) recurrent_block<R, 1, -1, 1, true>(al, b0, b1, s);
                else recurrent_block<R, 0, -1, 1, true>(al, b0, b1, s);
                return;
            }
            sg::dispatch_surrogate(c.surrogate, [&]<int K>() {
                sg::dispatch_bool(al.params, [&]<bool P>() {
                    if (c.detach_reset) recurrent_block<R, 1, K, 0, P>(al, b0, b1, s);
                    else recurrent_block<R, 0, K, 0, P>(al, b0, b1, s);
                });
            });
        });
    });
}

/* Both entry points: dL/dS read from grad_s, or (g_next != NULL) formed from the next layer. */
int backward(const sg_lif_config* cfg, const float* w_rec, const float* alpha, const float* beta, const float* theta,
             const float* i0, const float* v0, const float* i_save, const float* grad_s, const float* g_next,
             const float* w_next, int k_next, const float* grad_u, float* grad_x, float* grad_i0, float* grad_v0,
             float* grad_alpha, float* grad_beta, float* grad_theta) {
    int st = sg::check_config(cfg);
    if (st != SG_OK) return st;
    // the three parameter gradients come together or not at all
    const bool params = grad_alpha || grad_beta || grad_theta;
    if (sg::any_null(alpha, beta, theta, i0, v0, i_save, grad_x, grad_i0, grad_v0) || (!grad_s && !g_next) ||
        (params && sg::any_null(grad_alpha, grad_beta, grad_theta)))
        return SG_ERR_NULL_POINTER;
    const size_t state = (size_t)cfg->batch * cfg->neurons;
    const int64_t ngroup = (cfg->neurons + kGroup - 1) / kGroup;
    const int64_t items = w_rec ? cfg->batch : cfg->batch * ngroup;
    const int parts = sg::parts_for(items);
    // recurrent: a part holds its block of samples (at most ceil(B/parts)); feed-forward: one group
    const size_t per_sample = recurrent_scratch(cfg->steps, cfg->neurons);
    const size_t per_part = w_rec ? per_sample * (size_t)((cfg->batch + parts - 1) / parts)
                                  : feedforward_scratch(cfg->steps);
    float* partials = sg::workspace<float>(sg::kWsPartials, 3 * state);
    float* scratch = sg::workspace<float>(sg::kWsBackward, per_part * parts);
    float* panels = w_rec ? sg::workspace<float>(sg::kWsPanels, sg::coupling_panel_floats(cfg->neurons)) : nullptr;
    float* next_p = g_next ? sg::workspace<float>(sg::kWsNextPanels, (size_t)ngroup * k_next * kGroup) : nullptr;
    if (!partials || !scratch || (w_rec && !panels) || (g_next && !next_p)) return SG_ERR_ALLOC;
    if (w_rec) sg::pack_coupling(w_rec, cfg->neurons, panels);  // the coupling product's panels of W_rec
    if (g_next) sg::pack_panels(w_next, cfg->neurons, k_next, next_p);  // the next layer's weights, [K][64] per group
    float *pa = partials, *pb = partials + state, *pt = partials + 2 * state;
    const sg_lif_config c = *cfg;  // local copy, see sg_lif_forward
    Args a{&c, w_rec, panels, alpha, beta, theta, i0, v0, i_save, grad_s, grad_u, g_next, next_p, k_next,
           grad_x, grad_i0, grad_v0, pa, pb, pt, params || c.smooth};
    if (w_rec)
        backward_recurrent(a, scratch, per_sample);
    else
        backward_feedforward(a, scratch);
    if (!params) return SG_OK;
    sg::reduce_batch(pa, cfg->batch, cfg->neurons, grad_alpha);
    sg::reduce_batch(pb, cfg->batch, cfg->neurons, grad_beta);
    sg::reduce_batch(pt, cfg->batch, cfg->neurons, grad_theta);
    return SG_OK;
}

}  // namespace

SG_API int sg_lif_backward(const sg_lif_config* cfg, const float* w_rec,
                           const float* alpha, const float* beta, const float* theta,
                           const float* i0, const float* v0, const float* i_save,
                           const float* grad_s, const float* grad_u,
                           float* grad_x, float* grad_i0, float* grad_v0,
                           float* grad_alpha, float* grad_beta, float* grad_theta) {
    if (const int st = sg::check_config(cfg); st != SG_OK) return st;
    if (!grad_s) return SG_ERR_NULL_POINTER;
    return backward(cfg, w_rec, alpha, beta, theta, i0, v0, i_save, grad_s, nullptr, nullptr, 0, grad_u, grad_x,
                    grad_i0, grad_v0, grad_alpha, grad_beta, grad_theta);
}

SG_API int sg_lif_backward_product(const sg_lif_config* cfg, const float* w_rec, const float* alpha, const float* beta,
                                   const float* theta, const float* i0, const float* v0, const float* i_save,
                                   const float* g_next, const float* w_next, int k_next, const float* grad_u,
                                   float* grad_x, float* grad_i0, float* grad_v0,
                                   float* grad_alpha, float* grad_beta, float* grad_theta) {
    if (const int st = sg::check_config(cfg); st != SG_OK) return st;
    if (k_next < 1 || k_next > SG_LIF_PRODUCT_MAX_INNER) return SG_ERR_BAD_SHAPE;
    if (!g_next || !w_next) return SG_ERR_NULL_POINTER;
    return backward(cfg, w_rec, alpha, beta, theta, i0, v0, i_save, nullptr, g_next, w_next, k_next, grad_u, grad_x,
                    grad_i0, grad_v0, grad_alpha, grad_beta, grad_theta);
}

namespace {

/* Neurons [n0, n0+len) of sample b: U[t] recomputed as in backward_group, then the mask. */
template <int RESET, int SURR, int SMOOTH>
SG_CPU_CLONES long long mask_group(const sg_lif_config& c0, const float* __restrict beta, const float* __restrict theta,
                                   const float* __restrict v0, const float* __restrict i_save, uint8_t* __restrict mask,
                                   int b, int n0, int len) {
    const sg_lif_config c = sg::specialise<RESET, -1, SURR, SMOOTH>(c0);
    const int B = c.batch, N = c.neurons, T = c.steps;
    const size_t bn = (size_t)B * N, s0 = (size_t)b * N + n0;
    float v[kGroup];
    long long count = 0;
    for (int k = 0; k < len; ++k) v[k] = v0[s0 + k];
    for (int t = 0; t < T; ++t) {
        const float* __restrict i = i_save + (size_t)t * bn + s0;
        uint8_t* __restrict m = mask + (size_t)t * bn + s0;
        int set = 0;
#pragma GCC ivdep
        for (int k = 0; k < len; ++k) {
            const float th = theta[n0 + k];
            const float u = sg_charge_membrane(beta[n0 + k], v[k], i[k]);
            v[k] = sg_lif_reset(c, u, sg_lif_fire(c, u, th), th);
            const uint8_t on = sg_grad_s_to_u(c, u, th) != 0.0f;
            m[k] = on;
            set += on;
        }
        count += set;
    }
    return count;
}

}  // namespace

SG_API int sg_lif_surrogate_mask(const sg_lif_config* cfg, const float* beta, const float* theta,
                                 const float* v0, const float* i_save, uint8_t* mask, long long* count) {
    int st = sg::check_config(cfg);
    if (st != SG_OK) return st;
    if (sg::any_null(beta, theta, v0, i_save, mask)) return SG_ERR_NULL_POINTER;
    const sg_lif_config c = *cfg;
    const int B = c.batch, N = c.neurons;
    const int64_t ngroup = (N + kGroup - 1) / kGroup, items = (int64_t)B * ngroup;
    std::vector<long long> counts(items, 0);
    sg::parallel_for(items, [&, c](int, int64_t begin, int64_t end) {
        for (int64_t item = begin; item < end; ++item) {
            const int b = (int)(item / ngroup);
            const int n0 = (int)(item % ngroup) * kGroup;
            const int len = N - n0 < kGroup ? N - n0 : kGroup;
            sg::dispatch_reset(c.reset, [&]<int R>() {
                if (c.smooth) {
                    counts[item] = mask_group<R, -1, 1>(c, beta, theta, v0, i_save, mask, b, n0, len);
                    return;
                }
                sg::dispatch_surrogate(c.surrogate, [&]<int K>() {
                    counts[item] = mask_group<R, K, 0>(c, beta, theta, v0, i_save, mask, b, n0, len);
                });
            });
        }
    });
    long long total = 0;
    for (long long n : counts) total += n;
    if (count) *count = total;
    return SG_OK;
}
