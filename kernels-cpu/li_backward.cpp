/* spikegrad CPU: leaky-integrator readout backward (sg_li_backward, lif.h).
 *   gU[t] = gU_ext[t] + beta*gU[t+1],  gI[t] = (1-beta)*gU[t] + alpha*gI[t+1]
 *   dL/dX[t] = gI[t], dL/dalpha += gI[t]*I[t-1], dL/dbeta += gU[t]*(U[t-1] - I[t])
 * (lif_math.h, sg_li_backward_step). */
#include <vector>

#include "cpu_common.h"

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
    // Work items are (sample, chunk of neurons), time outermost inside, so every access
    // runs along a contiguous row of the [T][B][N] tensors.
    const int64_t nchunk = sg::chunks(N);
    sg::parallel_for((int64_t)B * nchunk, [&](int, int64_t begin, int64_t end) {
        float gu[sg::kChunk], gi[sg::kChunk], ga[sg::kChunk], gb[sg::kChunk];
        for (int64_t item = begin; item < end; ++item) {
            const int b = (int)(item / nchunk);
            const int n0 = (int)(item % nchunk) * sg::kChunk;
            const int len = N - n0 < sg::kChunk ? N - n0 : sg::kChunk;
            const size_t s0 = (size_t)b * N + n0;
            for (int k = 0; k < len; ++k) gu[k] = gi[k] = ga[k] = gb[k] = 0.0f;
            for (int t = steps - 1; t >= 0; --t) {
                const size_t row = (size_t)t * state + s0;
                for (int k = 0; k < len; ++k) {
                    const int n = n0 + k;
                    float gi_t;
                    gu[k] = sg_li_backward_step(alpha[n], beta[n], grad_u[row + k], gu[k], gi[k], &gi_t);
                    gi[k] = gi_t;
                    grad_x[row + k] = gi_t;
                    const float i_prev = t > 0 ? i_save[row + k - state] : i0[s0 + k];
                    const float u_prev = t > 0 ? u_out[row + k - state] : u0[s0 + k];
                    ga[k] += gi_t * i_prev;
                    gb[k] += gu[k] * (u_prev - i_save[row + k]);
                }
            }
            for (int k = 0; k < len; ++k) {
                const int n = n0 + k;
                grad_i0[s0 + k] = alpha[n] * gi[k];
                grad_u0[s0 + k] = beta[n] * gu[k];
                pa[s0 + k] = ga[k];
                pb[s0 + k] = gb[k];
            }
        }
    });
    sg::reduce_batch(pa, B, N, grad_alpha);
    sg::reduce_batch(pb, B, N, grad_beta);
    return SG_OK;
}
