/* spikegrad CPU: LIF forward over all T steps (sg_lif_forward, lif.h).
 * Equations: lif_math.h (DESIGN.md, model equations). Per-neuron math is the
 * SG_HD sg_lif_step shared with kernels-cuda/lif_forward.cu.
 *
 * Feed-forward: work items are (sample, chunk of 64 neurons); the time loop
 * runs inside the item. Recurrent: W_rec S[t-1] couples the neurons of one
 * sample at every step, so a work item is one sample; the recurrent input is
 * accumulated from the rows of the neurons that spiked (spike-sparse). */
#include <cstdint>
#include <type_traits>
#include <vector>

#include "cpu_common.h"
#include "spike_scan.h"

namespace {

/* The spike raster of a kernel call: float or byte entries, or a bit raster (sg::Bits, SG_BIT),
 * whose rows are ceil(N/32) words; chunks start at multiples of 64 neurons, so the words of
 * a chunk belong to it alone. */
using sg::Bits;

template <typename S_T> struct Raster { using type = S_T; };
template <> struct Raster<Bits> { using type = uint32_t; };

/* Stores the spikes sl[0..len) of neurons [n0, n0+len) in raster row `row` (a flat [T*B] row
 * index) of width N. */
template <typename S_T>
inline void store_row(typename Raster<S_T>::type* __restrict s, size_t row, int N, int n0, const float* sl, int len) {
    if constexpr (std::is_same_v<S_T, Bits>) {
        uint32_t* w = s + row * SG_BIT_WORDS(N) + n0 / 32;
        for (int k = 0; k < len; k += 32) w[k / 32] = sg::pack_bits(sl + k, len - k < 32 ? len - k : 32);
    } else {
        S_T* __restrict out = s + row * N + n0;
        for (int k = 0; k < len; ++k) out[k] = (S_T)sl[k];
    }
}

/* Neurons [n0, n0+len) of sample b over all steps, with reset and smooth mode fixed at
 * compile time (RESET, SMOOTH) so the neuron loop vectorises. */
template <int RESET, int SMOOTH, bool HAS_U, typename S_T>
SG_CPU_CLONES void forward_item(const sg_lif_config& c0, int b, int n0, int len, const float* x,
                  const float* __restrict alpha, const float* __restrict beta, const float* __restrict theta,
                  const float* __restrict i0, const float* __restrict v0, typename Raster<S_T>::type* __restrict s,
                  float* i_save, float* __restrict u_out, float* __restrict v_last) {
    const sg_lif_config c = sg::specialise<RESET, -1, -1, SMOOTH>(c0);
    const int B = c.batch, N = c.neurons, T = c.steps;
    float i[sg::kChunk], v[sg::kChunk], sl[sg::kChunk];
    for (int k = 0; k < len; ++k) {
        i[k] = i0[(size_t)b * N + n0 + k];
        v[k] = v0[(size_t)b * N + n0 + k];
    }
    const float* al = alpha + n0;
    const float* be = beta + n0;
    const float* th = theta + n0;
    for (int t = 0; t < T; ++t) {
        const size_t row = ((size_t)t * B + b) * N + n0;
        const float* xr = x + row;  // i_save may be x: X[t][k] is read before I[t][k] is written
        float* ir = i_save + row;
#pragma GCC ivdep
        for (int k = 0; k < len; ++k) {
            float u;
            sl[k] = sg_lif_step(c, al[k], be[k], th[k], xr[k], &i[k], &v[k], &u);
            ir[k] = i[k];
            if (HAS_U) u_out[row + k] = u;
        }
        store_row<S_T>(s, (size_t)t * B + b, N, n0, sl, len);
    }
    if (v_last)
        for (int k = 0; k < len; ++k) v_last[(size_t)b * N + n0 + k] = v[k];
}

template <typename S_T>
void forward_feedforward(const sg_lif_config& c, const float* x, const float* alpha,
                         const float* beta, const float* theta, const float* i0,
                         const float* v0, typename Raster<S_T>::type* s, float* i_save, float* u_out, float* v_last) {
    const int B = c.batch, N = c.neurons;
    const int64_t nchunk = sg::chunks(N);
    sg::parallel_for((int64_t)B * nchunk, [&, c](int, int64_t begin, int64_t end) {
        sg::for_chunk_items(begin, end, nchunk, N, [&](int64_t, int b, int n0, int len) {
            sg::dispatch_reset(c.reset, [&]<int R>() {
                if (c.smooth && u_out) {
                    forward_item<R, 1, true, S_T>(c, b, n0, len, x, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last);
                } else if (c.smooth) {
                    forward_item<R, 1, false, S_T>(c, b, n0, len, x, alpha, beta, theta, i0, v0, s, i_save, nullptr, v_last);
                } else if (u_out) {
                    forward_item<R, 0, true, S_T>(c, b, n0, len, x, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last);
                } else {
                    forward_item<R, 0, false, S_T>(c, b, n0, len, x, alpha, beta, theta, i0, v0, s, i_save, nullptr, v_last);
                }
            });
        });
    });
}

/* Floats per state row of the recurrent forward: each row on its own cache lines. */
inline size_t recurrent_row(int N) { return (size_t)((N + 15) & ~15); }

/* Samples [b0, b1) of a recurrent layer over all steps, in lockstep: at each step every
 * sample of the range takes its turn. One sample over all steps had waited on the misses of
 * every row: its step t+1 cannot start before the spikes of step t are listed, and its rows
 * lie B*N floats apart, where no prefetcher follows. In lockstep the range's rows of X[t] and
 * I[t] are one contiguous run, and the samples do not wait on each other (shd-rec's forward
 * in a C harness, 2 threads: 3.4-3.7 -> 2.5-2.6 ms, same bits; the feed-forward forward,
 * whose steps do not wait on their spikes, was no faster in lockstep). For each sample, I[t]
 * gains the rows of W_rec of the neurons that spiked at t-1 (listed with the table scan of
 * spike_scan.h), then every neuron takes its step, with reset and smooth mode fixed at
 * compile time so the step vectorises. state: the I and V rows of each sample of the range,
 * then two shared rows. */
template <int RESET, int SMOOTH, bool HAS_U, typename S_T>
SG_CPU_CLONES void recurrent_samples(const sg_lif_config& c0, int64_t b0, int64_t b1, const float* x,
                                     const float* __restrict w_rec, const float* __restrict alpha,
                                     const float* __restrict beta, const float* __restrict theta,
                                     const float* __restrict i0, const float* __restrict v0,
                                     typename Raster<S_T>::type* __restrict s,
                                     float* i_save, float* __restrict u_out, float* __restrict v_last,
                                     float* __restrict state, int* __restrict active) {
    const sg_lif_config c = sg::specialise<RESET, -1, -1, SMOOTH>(c0);
    const int B = c.batch, N = c.neurons, T = c.steps;
    const size_t np = recurrent_row(N);
    const int64_t nb = b1 - b0;
    float* __restrict in = state + 2 * (size_t)nb * np;
    float* __restrict sl = in + np;
    for (int64_t b = b0; b < b1; ++b) {
        float* __restrict i = state + 2 * (size_t)(b - b0) * np;
        float* __restrict v = i + np;
        for (int n = 0; n < N; ++n) {
            i[n] = i0[b * N + n];
            v[n] = v0[b * N + n];
        }
    }
    for (int t = 0; t < T; ++t) {
        for (int64_t b = b0; b < b1; ++b) {
            float* __restrict i = state + 2 * (size_t)(b - b0) * np;
            float* __restrict v = i + np;
            const size_t row = ((size_t)t * B + b) * N;
            for (int n = 0; n < N; ++n) in[n] = x[row + n];  // before I[t] is written (i_save may be x)
            if (t > 0) {
                // I[t] += sum_j S[t-1][j] * w_rec[j][:], over the neurons that spiked, in increasing j
                const size_t prev_row = (size_t)(t - 1) * B + b;
                if constexpr (std::is_same_v<S_T, Bits>) {
                    const int count = sg::nonzeros_bits(s + prev_row * SG_BIT_WORDS(N), N, active);
                    for (int a = 0; a < count; ++a) sg::axpy(in, w_rec + (size_t)active[a] * N, 1.0f, 0, N);
                } else {
                    const S_T* prev = s + prev_row * N;
                    const int count = sg::nonzeros(prev, N, active);
                    for (int a = 0; a < count; ++a) {
                        const int j = active[a];
                        sg::axpy(in, w_rec + (size_t)j * N, (float)prev[j], 0, N);
                    }
                }
            }
            float* ir = i_save + row;
#pragma GCC ivdep
            for (int n = 0; n < N; ++n) {
                float u;
                sl[n] = sg_lif_step(c, alpha[n], beta[n], theta[n], in[n], &i[n], &v[n], &u);
                ir[n] = i[n];
                if (HAS_U) u_out[row + n] = u;
            }
            store_row<S_T>(s, (size_t)t * B + b, N, 0, sl, N);
        }
    }
    if (v_last)
        for (int64_t b = b0; b < b1; ++b) {
            const float* v = state + (2 * (size_t)(b - b0) + 1) * np;
            for (int n = 0; n < N; ++n) v_last[b * N + n] = v[n];
        }
}

template <typename S_T>
int forward_recurrent(const sg_lif_config& c, const float* x, const float* w_rec,
                      const float* alpha, const float* beta, const float* theta,
                      const float* i0, const float* v0, typename Raster<S_T>::type* s, float* i_save,
                      float* u_out, float* v_last) {
    const int B = c.batch, N = c.neurons;
    // recurrent_samples' rows: I and V of each sample of the range, two shared; then the list
    const size_t row = recurrent_row(N), shared = 2 * row;
    return sg::parallel_with_workspace(B, sg::kWsForward, 2 * row, shared + (size_t)N + sg::kSlack,
                                       [&, c](int64_t begin, int64_t end, float* st) {
        int* active = reinterpret_cast<int*>(st + (2 * (size_t)(end - begin)) * row + shared);
        sg::dispatch_reset(c.reset, [&]<int R>() {
            if (c.smooth && u_out) recurrent_samples<R, 1, true, S_T>(c, begin, end, x, w_rec, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last, st, active);
            else if (c.smooth) recurrent_samples<R, 1, false, S_T>(c, begin, end, x, w_rec, alpha, beta, theta, i0, v0, s, i_save, nullptr, v_last, st, active);
            else if (u_out) recurrent_samples<R, 0, true, S_T>(c, begin, end, x, w_rec, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last, st, active);
            else recurrent_samples<R, 0, false, S_T>(c, begin, end, x, w_rec, alpha, beta, theta, i0, v0, s, i_save, nullptr, v_last, st, active);
        });
    });
}

}  // namespace

SG_API int sg_lif_forward(const sg_lif_config* cfg, const float* x, const float* w_rec,
                          const float* alpha, const float* beta, const float* theta,
                          const float* i0, const float* v0,
                          void* s, float* i_save, float* u_out, float* v_last) {
    int st = sg::check_config(cfg);
    if (st != SG_OK) return st;
    if (sg::any_null(x, alpha, beta, theta, i0, v0, s, i_save)) return SG_ERR_NULL_POINTER;
    // A local copy: the float outputs could alias the caller's struct, which would force
    // the compiler to reload every setting after every store.
    const sg_lif_config c = *cfg;
    if (c.spike_dtype == SG_BIT) {
        uint32_t* sb = static_cast<uint32_t*>(s);
        if (w_rec) return forward_recurrent<Bits>(c, x, w_rec, alpha, beta, theta, i0, v0, sb, i_save, u_out, v_last);
        forward_feedforward<Bits>(c, x, alpha, beta, theta, i0, v0, sb, i_save, u_out, v_last);
        return SG_OK;
    }
    if (c.spike_dtype == SG_U8) {
        uint8_t* s8 = static_cast<uint8_t*>(s);
        if (w_rec) return forward_recurrent<uint8_t>(c, x, w_rec, alpha, beta, theta, i0, v0, s8, i_save, u_out, v_last);
        forward_feedforward<uint8_t>(c, x, alpha, beta, theta, i0, v0, s8, i_save, u_out, v_last);
        return SG_OK;
    }
    float* sf = static_cast<float*>(s);
    if (w_rec) return forward_recurrent<float>(c, x, w_rec, alpha, beta, theta, i0, v0, sf, i_save, u_out, v_last);
    forward_feedforward<float>(c, x, alpha, beta, theta, i0, v0, sf, i_save, u_out, v_last);
    return SG_OK;
}
