/* spikegrad CPU: leaky-integrator readout backward (sg_li_backward, lif.h).
 *   gU[t] = gU_ext[t] + beta*gU[t+1],  gI[t] = (1-beta)*gU[t] + alpha*gI[t+1]
 *   dL/dX[t] = gI[t], dL/dalpha += gI[t]*I[t-1], dL/dbeta += gU[t]*(U[t-1] - I[t])
 * (lif_math.h, sg_li_backward_step). */
#include <vector>

#include "cpu_common.h"

namespace {

/* Items [begin, end) of (sample, chunk of neurons), sample-major, backwards over all steps in
 * lockstep (as li_forward_items: each step's rows of the range are one contiguous stretch);
 * the per-sample parameter partials go to pa / pb. State gu/gi/ga/gb: the thread's
 * workspace. Restrict pointers and ivdep let the neuron loop vectorise. */
SG_CPU_CLONES void li_backward_items(int steps, int B, int N, int64_t begin, int64_t end, int64_t nchunk,
                                     const float* __restrict alpha, const float* __restrict beta,
                                     const float* __restrict i0, const float* __restrict u0,
                                     const float* __restrict u_out, const float* __restrict i_save,
                                     const float* __restrict grad_u, float* __restrict grad_x,
                                     float* __restrict grad_i0, float* __restrict grad_u0, float* __restrict pa,
                                     float* __restrict pb, float* __restrict state) {
    const size_t st = (size_t)B * N;
    const int64_t items = end - begin;
    for (size_t k = 0; k < (size_t)items * 4 * sg::kChunk; ++k) state[k] = 0.0f;
    for (int t = steps - 1; t >= 0; --t) {
        sg::for_chunk_items(begin, end, nchunk, N, [&](int64_t q, int b, int n0, int len) __attribute__((always_inline)) {
            float* __restrict gu = state + (size_t)q * 4 * sg::kChunk;
            float* __restrict gi = gu + sg::kChunk;
            float* __restrict ga = gi + sg::kChunk;
            float* __restrict gb = ga + sg::kChunk;
            const float* al = alpha + n0;
            const float* be = beta + n0;
            const size_t s0 = (size_t)b * N + n0, row = (size_t)t * st + s0;
            const float* gur = grad_u + row;
            const float* ir = i_save + row;
            const float* i_prev = t > 0 ? i_save + row - st : i0 + s0;
            const float* u_prev = t > 0 ? u_out + row - st : u0 + s0;
            float* gxr = grad_x + row;
#pragma GCC ivdep
            for (int k = 0; k < len; ++k) {
                float gi_t;
                gu[k] = sg_li_backward_step(al[k], be[k], gur[k], gu[k], gi[k], &gi_t);
                gi[k] = gi_t;
                gxr[k] = gi_t;
                ga[k] += gi_t * i_prev[k];
                gb[k] += gu[k] * (u_prev[k] - ir[k]);
            }
        });
    }
    sg::for_chunk_items(begin, end, nchunk, N, [&](int64_t q, int b, int n0, int len) __attribute__((always_inline)) {
        const float* gu = state + (size_t)q * 4 * sg::kChunk;
        const float* gi = gu + sg::kChunk;
        const float* ga = gi + sg::kChunk;
        const float* gb = ga + sg::kChunk;
        const size_t s0 = (size_t)b * N + n0;
        for (int k = 0; k < len; ++k) {
            grad_i0[s0 + k] = alpha[n0 + k] * gi[k];
            grad_u0[s0 + k] = beta[n0 + k] * gu[k];
            pa[s0 + k] = ga[k];
            pb[s0 + k] = gb[k];
        }
    });
}

}  // namespace

SG_API int sg_li_backward(int steps, int batch, int neurons,
                          const float* alpha, const float* beta,
                          const float* i0, const float* u0,
                          const float* u_out, const float* i_save, const float* grad_u,
                          float* grad_x, float* grad_i0, float* grad_u0,
                          float* grad_alpha, float* grad_beta) {
    int st = sg::check_shape(steps, batch, neurons);
    if (st != SG_OK) return st;
    if (sg::any_null(alpha, beta, i0, u0, u_out, i_save, grad_u, grad_x, grad_i0, grad_u0,
                     grad_alpha, grad_beta))
        return SG_ERR_NULL_POINTER;
    const int B = batch, N = neurons;
    const size_t state = (size_t)B * N;
    float* pa = sg::workspace<float>(sg::kWsPartials, 2 * state);
    if (!pa) return SG_ERR_ALLOC;
    float* pb = pa + state;
    // Work items are (sample, chunk of neurons), sample-major; a thread's items step in
    // lockstep, so every step reads and writes one contiguous stretch of each [T][B][N] tensor.
    const int64_t nchunk = sg::chunks(N);
    st = sg::parallel_with_workspace((int64_t)B * nchunk, sg::kWsBackward, 4 * sg::kChunk, 0,
                                     [&](int64_t begin, int64_t end, float* ws) {
        li_backward_items(steps, B, N, begin, end, nchunk, alpha, beta, i0, u0, u_out, i_save, grad_u, grad_x, grad_i0,
                          grad_u0, pa, pb, ws);
    });
    if (st != SG_OK) return st;
    sg::reduce_batch(pa, B, N, grad_alpha);
    sg::reduce_batch(pb, B, N, grad_beta);
    return SG_OK;
}
