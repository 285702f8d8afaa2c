/* spikegrad CPU: leaky-integrator readout forward (sg_li_forward, lif.h).
 *   I[t] = alpha*I[t-1] + X[t],  U[t] = beta*U[t-1] + (1-beta)*I[t]
 * (lif_math.h; the charge functions are the SG_HD ones the LIF uses). */
#include "cpu_common.h"

SG_API int sg_li_forward(int steps, int batch, int neurons, const float* x,
                         const float* alpha, const float* beta,
                         const float* i0, const float* u0, float* u_out, float* i_save) {
    int st = sg::check_shape(steps, batch, neurons);
    if (st != SG_OK) return st;
    if (sg::any_null(x, alpha, beta, i0, u0, u_out, i_save)) return SG_ERR_NULL_POINTER;
    const int B = batch, N = neurons;
    const int64_t nchunk = sg::chunks(N);
    sg::parallel_for((int64_t)B * nchunk, [&](int, int64_t begin, int64_t end) {
        float i[sg::kChunk], u[sg::kChunk];
        for (int64_t item = begin; item < end; ++item) {
            const int b = (int)(item / nchunk);
            const int n0 = (int)(item % nchunk) * sg::kChunk;
            const int len = N - n0 < sg::kChunk ? N - n0 : sg::kChunk;
            for (int k = 0; k < len; ++k) {
                i[k] = i0[(size_t)b * N + n0 + k];
                u[k] = u0[(size_t)b * N + n0 + k];
            }
            for (int t = 0; t < steps; ++t) {
                const size_t row = ((size_t)t * B + b) * N + n0;
                for (int k = 0; k < len; ++k) {
                    const int n = n0 + k;
                    i[k] = sg_charge_current(alpha[n], i[k], x[row + k]);
                    u[k] = sg_charge_membrane(beta[n], u[k], i[k]);
                    i_save[row + k] = i[k];
                    u_out[row + k] = u[k];
                }
            }
        }
    });
    return SG_OK;
}
