/* spikegrad CPU: LIF surrogate backward over all T steps (sg_lif_backward, lif.h).
 * Adjoint: the table at the top of lif_math.h; per-neuron math is the SG_HD
 * sg_lif_backward_step shared with kernels-cuda/lif_backward.cu.
 *
 * Only I[t] was saved. Each work item first recomputes U[t] forward from
 * I[t] with the forward's own functions (same bits, same spikes), then runs
 * the adjoint in reverse time. Per-neuron parameter gradients are written per
 * sample and summed over the batch in a fixed order (reduce_batch). */
#include <algorithm>
#include <vector>

#include "cpu_common.h"

namespace {

struct Args {
    const sg_lif_config* c;
    const float *w_rec, *w_rec_t, *alpha, *beta, *theta, *i0, *v0, *i_save, *grad_s, *grad_u;
    float *grad_x, *grad_i0, *grad_v0;
    float *part_alpha, *part_beta, *part_theta;  // [B][N] per-sample partials
};

/* Recomputes U[t] for neurons [n0, n0+len) of sample b into u_hist[t*stride + k],
 * time outermost so every access runs along a contiguous row of the [T][B][N] tensors. */
void recompute_membrane(const sg_lif_config c, const Args& a, int b, int n0, int len, float* u_hist, int stride, float* v) {
    const int B = c.batch, N = c.neurons;
    for (int k = 0; k < len; ++k) v[k] = a.v0[(size_t)b * N + n0 + k];
    for (int t = 0; t < c.steps; ++t) {
        const float* i = a.i_save + ((size_t)t * B + b) * N + n0;
        float* u_row = u_hist + (size_t)t * stride;
#pragma GCC ivdep
        for (int k = 0; k < len; ++k) {
            const int n = n0 + k;
            const float u = sg_charge_membrane(a.beta[n], v[k], i[k]);
            u_row[k] = u;
            v[k] = sg_lif_reset(c, u, sg_lif_fire(c, u, a.theta[n]), a.theta[n]);
        }
    }
}

/* V[t-1] from the recomputed U[t-1] (or V[-1] = v0 at t = 0). */
inline float v_before(const Args& a, int t, const float* u_hist, int stride, int k, size_t state_idx, int n) {
    if (t == 0) return a.v0[state_idx];
    const float u = u_hist[(size_t)(t - 1) * stride + k];
    return sg_lif_reset(*a.c, u, sg_lif_fire(*a.c, u, a.theta[n]), a.theta[n]);
}

/* Adjoint of one step for neuron n of sample b; carries gu/gi in place. */
inline void adjoint_step(const Args& a, int t, int b, int n, float u, float v_prev, float gs_extra,
                         float* gu, float* gi, float* ga, float* gb, float* gth) {
    const sg_lif_config& c = *a.c;
    const size_t idx = ((size_t)t * c.batch + b) * c.neurons + n;
    const size_t sidx = (size_t)b * c.neurons + n;
    const float gu_ext = a.grad_u ? a.grad_u[idx] : 0.0f;
    float gi_t;
    const float gu_t = sg_lif_backward_step(c, a.alpha[n], a.beta[n], a.theta[n], u,
                                            a.grad_s[idx] + gs_extra, gu_ext,
                                            a.beta[n] * *gu, *gi, &gi_t, gth);
    a.grad_x[idx] = gi_t;
    const float i_prev = t > 0 ? a.i_save[idx - (size_t)c.batch * c.neurons] : a.i0[sidx];
    *ga += gi_t * i_prev;
    *gb += gu_t * (v_prev - a.i_save[idx]);
    *gu = gu_t;
    *gi = gi_t;
}

/* Per-part scratch of the feed-forward backward: U history [T][chunk] and seven [chunk] rows. */
size_t feedforward_scratch(int T) { return (size_t)T * sg::kChunk + 7 * (size_t)sg::kChunk; }

/* Neurons [n0, n0+len) of sample b: recompute U, then the adjoint in reverse time. The
 * settings the SG_HD math branches on are compile-time constants here (sg::specialise), and
 * the t = 0 boundary is moved out of the neuron loop, so that loop vectorises. */
template <int RESET, int DETACH, int SURR, int SMOOTH>
SG_CPU_CLONES void backward_item(const Args& a0, int b, int n0, int len, float* u_hist, float* scratch_rows) {
    const sg_lif_config c = sg::specialise<RESET, DETACH, SURR, SMOOTH>(*a0.c);
    const Args& a = a0;  // buffers only; the settings come from the local c
    const int B = c.batch, N = c.neurons, T = c.steps;
    const size_t bn = (size_t)B * N, s0 = (size_t)b * N + n0;
    float* __restrict gu = scratch_rows;
    float* __restrict gi = gu + sg::kChunk;
    float* __restrict ga = gi + sg::kChunk;
    float* __restrict gb = ga + sg::kChunk;
    float* __restrict gth = gb + sg::kChunk;
    float* __restrict v_prev = gth + sg::kChunk;  // V[t-1] of the step being processed
    float* __restrict zeros = v_prev + sg::kChunk;
    recompute_membrane(c, a, b, n0, len, u_hist, sg::kChunk, v_prev);
    for (int k = 0; k < len; ++k) gu[k] = gi[k] = ga[k] = gb[k] = gth[k] = zeros[k] = 0.0f;
    const float* __restrict al = a.alpha + n0;
    const float* __restrict be = a.beta + n0;
    const float* __restrict th = a.theta + n0;
    for (int t = T - 1; t >= 0; --t) {
        const size_t row = (size_t)t * bn + s0;
        const float* __restrict u_row = u_hist + (size_t)t * sg::kChunk;
        const float* __restrict i_row = a.i_save + row;
        const float* __restrict i_prev = t > 0 ? a.i_save + row - bn : a.i0 + s0;
        const float* __restrict gs_row = a.grad_s + row;
        const float* __restrict gu_row = a.grad_u ? a.grad_u + row : zeros;
        float* __restrict gx_row = a.grad_x + row;
        if (t > 0) {
            const float* __restrict u_before = u_hist + (size_t)(t - 1) * sg::kChunk;
#pragma GCC ivdep
            for (int k = 0; k < len; ++k)
                v_prev[k] = sg_lif_reset(c, u_before[k], sg_lif_fire(c, u_before[k], th[k]), th[k]);
        } else {
            for (int k = 0; k < len; ++k) v_prev[k] = a.v0[s0 + k];
        }
        // The buffers never overlap; GCC cannot prove it for this many pointers.
#pragma GCC ivdep
        for (int k = 0; k < len; ++k) {
            float gi_t;
            const float gu_t = sg_lif_backward_step(c, al[k], be[k], th[k], u_row[k], gs_row[k], gu_row[k],
                                                    be[k] * gu[k], gi[k], &gi_t, &gth[k]);
            gx_row[k] = gi_t;
            ga[k] += gi_t * i_prev[k];
            gb[k] += gu_t * (v_prev[k] - i_row[k]);
            gu[k] = gu_t;
            gi[k] = gi_t;
        }
    }
    for (int k = 0; k < len; ++k) {
        a.grad_i0[s0 + k] = al[k] * gi[k];
        a.grad_v0[s0 + k] = be[k] * gu[k];
        a.part_alpha[s0 + k] = ga[k];
        a.part_beta[s0 + k] = gb[k];
        a.part_theta[s0 + k] = gth[k];
    }
}

void backward_feedforward(const Args& a, std::vector<float>& scratch) {
    const sg_lif_config& c = *a.c;
    const int B = c.batch, N = c.neurons, T = c.steps;
    const int64_t nchunk = sg::chunks(N);
    sg::parallel_for((int64_t)B * nchunk, [&, c](int part, int64_t begin, int64_t end) {
        Args al = a;  // settings by value in this thread: no aliasing with the outputs
        al.c = &c;
        float* u_hist = scratch.data() + (size_t)part * feedforward_scratch(T);
        float* rows = u_hist + (size_t)T * sg::kChunk;
        for (int64_t item = begin; item < end; ++item) {
            const int b = (int)(item / nchunk);
            const int n0 = (int)(item % nchunk) * sg::kChunk;
            const int len = N - n0 < sg::kChunk ? N - n0 : sg::kChunk;
            sg::dispatch_reset(c.reset, [&]<int R>() {
                if (c.smooth) {
                    // smooth mode (verification): the surrogate stays a runtime choice
                    if (c.detach_reset) backward_item<R, 1, -1, 1>(al, b, n0, len, u_hist, rows);
                    else backward_item<R, 0, -1, 1>(al, b, n0, len, u_hist, rows);
                    return;
                }
                sg::dispatch_surrogate(c.surrogate, [&]<int K>() {
                    if (c.detach_reset) backward_item<R, 1, K, 0>(al, b, n0, len, u_hist, rows);
                    else backward_item<R, 0, K, 0>(al, b, n0, len, u_hist, rows);
                });
            });
        }
    });
}

/* Per-part scratch of the recurrent backward: U history [T][N] and seven [N] rows. */
size_t recurrent_scratch(int T, int N) { return (size_t)T * N + 7 * (size_t)N; }

void backward_recurrent(const Args& a, std::vector<float>& scratch) {
    const sg_lif_config& c = *a.c;
    const int B = c.batch, N = c.neurons, T = c.steps;
    sg::parallel_for(B, [&, c](int part, int64_t begin, int64_t end) {
        Args a_local = a;
        a_local.c = &c;
        const Args& a = a_local;
        float* u_hist = scratch.data() + (size_t)part * recurrent_scratch(T, N);
        float* gs_rec = u_hist + (size_t)T * N;
        float *gu = gs_rec + N, *gi = gu + N, *ga = gi + N, *gb = ga + N, *gth = gb + N;
        for (int64_t bb = begin; bb < end; ++bb) {
            const int b = (int)bb;
            recompute_membrane(*a.c, a, b, 0, N, u_hist, N, gth + N);
            std::fill(gs_rec, gs_rec + 6 * (size_t)N, 0.0f);
            for (int t = T - 1; t >= 0; --t) {
                for (int n = 0; n < N; ++n) {
                    const float u = u_hist[(size_t)t * N + n];
                    const float v_prev = v_before(a, t, u_hist, N, n, (size_t)b * N + n, n);
                    adjoint_step(a, t, b, n, u, v_prev, gs_rec[n], &gu[n], &gi[n], &ga[n], &gb[n], &gth[n]);
                }
                if (t > 0) {
                    // dL/dS[t-1][j] through I[t]: sum_n w_rec[j][n] * dL/dX[t][n], accumulated
                    // over n in order as rows of the transposed weights (vectorises over j)
                    const float* gx = a.grad_x + ((size_t)t * B + b) * N;
                    std::fill(gs_rec, gs_rec + N, 0.0f);
                    for (int n = 0; n < N; ++n)
                        if (gx[n] != 0.0f) sg::axpy(gs_rec, a.w_rec_t + (size_t)n * N, gx[n], 0, N);
                }
            }
            for (int n = 0; n < N; ++n) {
                const size_t sidx = (size_t)b * N + n;
                a.grad_i0[sidx] = a.alpha[n] * gi[n];
                a.grad_v0[sidx] = a.beta[n] * gu[n];
                a.part_alpha[sidx] = ga[n];
                a.part_beta[sidx] = gb[n];
                a.part_theta[sidx] = gth[n];
            }
        }
    });
}

}  // namespace

SG_API int sg_lif_backward(const sg_lif_config* cfg, const float* w_rec,
                           const float* alpha, const float* beta, const float* theta,
                           const float* i0, const float* v0, const float* i_save,
                           const float* grad_s, const float* grad_u,
                           float* grad_x, float* grad_i0, float* grad_v0,
                           float* grad_alpha, float* grad_beta, float* grad_theta) {
    int st = sg::check_config(cfg);
    if (st != SG_OK) return st;
    if (sg::any_null(alpha, beta, theta, i0, v0, i_save, grad_s, grad_x, grad_i0, grad_v0,
                     grad_alpha, grad_beta, grad_theta))
        return SG_ERR_NULL_POINTER;
    const size_t state = (size_t)cfg->batch * cfg->neurons;
    const int64_t items = w_rec ? cfg->batch : cfg->batch * sg::chunks(cfg->neurons);
    const size_t per_part = w_rec ? recurrent_scratch(cfg->steps, cfg->neurons)
                                  : feedforward_scratch(cfg->steps);
    std::vector<float> pa, pb, pt, scratch, w_t;
    try {
        if (w_rec) {  // W_rec^T, row n = weights into neuron n
            const size_t n = (size_t)cfg->neurons;
            w_t.resize(n * n);
            for (size_t j = 0; j < n; ++j)
                for (size_t k = 0; k < n; ++k) w_t[k * n + j] = w_rec[j * n + k];
        }
        pa.resize(state);
        pb.resize(state);
        pt.resize(state);
        scratch.resize(per_part * sg::parts_for(items));
    } catch (...) {
        return SG_ERR_ALLOC;
    }
    const sg_lif_config c = *cfg;  // local copy, see sg_lif_forward
    Args a{&c, w_rec, w_rec ? w_t.data() : nullptr, alpha, beta, theta, i0, v0, i_save, grad_s, grad_u,
           grad_x, grad_i0, grad_v0, pa.data(), pb.data(), pt.data()};
    if (w_rec)
        backward_recurrent(a, scratch);
    else
        backward_feedforward(a, scratch);
    sg::reduce_batch(pa, cfg->batch, cfg->neurons, grad_alpha);
    sg::reduce_batch(pb, cfg->batch, cfg->neurons, grad_beta);
    sg::reduce_batch(pt, cfg->batch, cfg->neurons, grad_theta);
    return SG_OK;
}
