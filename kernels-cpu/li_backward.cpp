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
    std::vector<float> pa, pb;
    try {
        pa.resize(state);
        pb.resize(state);
    } catch (...) {
        return SG_ERR_ALLOC;
    }
    sg::parallel_for((int64_t)state, [&](int, int64_t begin, int64_t end) {
        for (int64_t sidx = begin; sidx < end; ++sidx) {
            const int n = (int)(sidx % N);
            float gu = 0.0f, gi = 0.0f, ga = 0.0f, gb = 0.0f;
            for (int t = steps - 1; t >= 0; --t) {
                const size_t idx = (size_t)t * state + sidx;
                float gi_t;
                gu = sg_li_backward_step(alpha[n], beta[n], grad_u[idx], gu, gi, &gi_t);
                gi = gi_t;
                grad_x[idx] = gi;
                const float i_prev = t > 0 ? i_save[idx - state] : i0[sidx];
                const float u_prev = t > 0 ? u_out[idx - state] : u0[sidx];
                ga += gi * i_prev;
                gb += gu * (u_prev - i_save[idx]);
            }
            grad_i0[sidx] = alpha[n] * gi;
            grad_u0[sidx] = beta[n] * gu;
            pa[sidx] = ga;
            pb[sidx] = gb;
        }
    });
    sg::reduce_batch(pa, B, N, grad_alpha);
    sg::reduce_batch(pb, B, N, grad_beta);
    return SG_OK;
}
