/* spikegrad CPU: leaky-integrator readout forward (sg_li_forward, lif.h).
 *   I[t] = alpha*I[t-1] + X[t],  U[t] = beta*U[t-1] + (1-beta)*I[t]
 * (lif_math.h; the charge functions are the SG_HD ones the LIF uses). */
#include "cpu_common.h"

namespace {

/* Neurons [n0, n0+len) of sample b over all steps; restrict pointers and ivdep let the neuron
 * loop vectorise (the rows of x, u_out and i_save never overlap). */
SG_CPU_CLONES void li_forward_item(int steps, int B, int N, int b, int n0, int len, const float* __restrict x,
                                   const float* __restrict alpha, const float* __restrict beta,
                                   const float* __restrict i0, const float* __restrict u0,
                                   float* __restrict u_out, float* __restrict i_save) {
    float i[sg::kChunk], u[sg::kChunk];
    for (int k = 0; k < len; ++k) {
        i[k] = i0[(size_t)b * N + n0 + k];
        u[k] = u0[(size_t)b * N + n0 + k];
    }
    const float* al = alpha + n0;
    const float* be = beta + n0;
    for (int t = 0; t < steps; ++t) {
        const size_t row = ((size_t)t * B + b) * N + n0;
        const float* xr = x + row;
        float* ir = i_save + row;
        float* ur = u_out + row;
#pragma GCC ivdep
        for (int k = 0; k < len; ++k) {
            i[k] = sg_charge_current(al[k], i[k], xr[k]);
            u[k] = sg_charge_membrane(be[k], u[k], i[k]);
            ir[k] = i[k];
            ur[k] = u[k];
        }
    }
}

}  // namespace

SG_API int sg_li_forward(int steps, int batch, int neurons, const float* x,
                         const float* alpha, const float* beta,
                         const float* i0, const float* u0, float* u_out, float* i_save) {
    int st = sg::check_shape(steps, batch, neurons);
    if (st != SG_OK) return st;
    if (sg::any_null(x, alpha, beta, i0, u0, u_out, i_save)) return SG_ERR_NULL_POINTER;
    const int B = batch, N = neurons;
    const int64_t nchunk = sg::chunks(N);
    sg::parallel_for((int64_t)B * nchunk, [&](int, int64_t begin, int64_t end) {
        for (int64_t item = begin; item < end; ++item) {
            const int b = (int)(item / nchunk);
            const int n0 = (int)(item % nchunk) * sg::kChunk;
            const int len = N - n0 < sg::kChunk ? N - n0 : sg::kChunk;
            li_forward_item(steps, B, N, b, n0, len, x, alpha, beta, i0, u0, u_out, i_save);
        }
    });
    return SG_OK;
}
