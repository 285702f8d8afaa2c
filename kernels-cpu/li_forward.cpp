/* spikegrad CPU: leaky-integrator readout forward (sg_li_forward, lif.h).
 *   I[t] = alpha*I[t-1] + X[t],  U[t] = beta*U[t-1] + (1-beta)*I[t]
 * (lif_math.h; the charge functions are the SG_HD ones the LIF uses). */
#include "cpu_common.h"

namespace {

/* Items [begin, end) of (sample, chunk of neurons), sample-major, in lockstep: step t of every
 * item before step t+1 of any. The items' rows of one step then lie side by side in the
 * [T][B][N] tensors, so each step reads and writes one contiguous stretch that the hardware
 * prefetcher follows; one item over all steps (rows B*N floats apart) waited on a cache miss
 * per row. Each neuron's arithmetic is unchanged. State i/u: the thread's workspace. Restrict
 * pointers and ivdep let the neuron loop vectorise (rows of x, u_out and i_save never overlap). */
SG_CPU_CLONES void li_forward_items(int steps, int B, int N, int64_t begin, int64_t end, int64_t nchunk,
                                    const float* __restrict x, const float* __restrict alpha,
                                    const float* __restrict beta, const float* __restrict i0,
                                    const float* __restrict u0, float* __restrict u_out,
                                    float* __restrict i_save, float* __restrict state) {
    sg::for_chunk_items(begin, end, nchunk, N, [&](int64_t q, int b, int n0, int len) __attribute__((always_inline)) {
        float* i = state + (size_t)q * 2 * sg::kChunk;
        float* u = i + sg::kChunk;
        for (int k = 0; k < len; ++k) {
            i[k] = i0[(size_t)b * N + n0 + k];
            u[k] = u0[(size_t)b * N + n0 + k];
        }
    });
    for (int t = 0; t < steps; ++t) {
        sg::for_chunk_items(begin, end, nchunk, N, [&](int64_t q, int b, int n0, int len) __attribute__((always_inline)) {
            float* __restrict i = state + (size_t)q * 2 * sg::kChunk;
            float* __restrict u = i + sg::kChunk;
            const float* al = alpha + n0;
            const float* be = beta + n0;
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
        });
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
    return sg::parallel_with_workspace((int64_t)B * nchunk, sg::kWsForward, 2 * sg::kChunk, 0,
                                       [&](int64_t begin, int64_t end, float* state) {
        li_forward_items(steps, B, N, begin, end, nchunk, x, alpha, beta, i0, u0, u_out, i_save, state);
    });
}
