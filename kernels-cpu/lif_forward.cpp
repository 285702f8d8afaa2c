/* spikegrad CPU: LIF forward over all T steps (sg_lif_forward, lif.h).
 * Equations: lif_math.h (DESIGN.md, model equations). Per-neuron math is the
 * SG_HD sg_lif_step shared with kernels-cuda/lif_forward.cu.
 *
 * Feed-forward: work items are (sample, chunk of 64 neurons); the time loop
 * runs inside the item. Recurrent: W_rec S[t-1] couples the neurons of one
 * sample at every step, so a work item is one sample; the recurrent input is
 * accumulated from the rows of the neurons that spiked (spike-sparse). */
#include <vector>

#include "cpu_common.h"

namespace {

void forward_feedforward(const sg_lif_config& c, const float* x, const float* alpha,
                         const float* beta, const float* theta, const float* i0,
                         const float* v0, float* s, float* i_save, float* u_out, float* v_last) {
    const int B = c.batch, N = c.neurons, T = c.steps;
    const int64_t nchunk = sg::chunks(N);
    sg::parallel_for((int64_t)B * nchunk, [&, c](int, int64_t begin, int64_t end) {
        float i[sg::kChunk], v[sg::kChunk];
        for (int64_t item = begin; item < end; ++item) {
            const int b = (int)(item / nchunk);
            const int n0 = (int)(item % nchunk) * sg::kChunk;
            const int len = N - n0 < sg::kChunk ? N - n0 : sg::kChunk;
            for (int k = 0; k < len; ++k) {
                i[k] = i0[(size_t)b * N + n0 + k];
                v[k] = v0[(size_t)b * N + n0 + k];
            }
            for (int t = 0; t < T; ++t) {
                const size_t row = ((size_t)t * B + b) * N + n0;
                for (int k = 0; k < len; ++k) {
                    const int n = n0 + k;
                    float u;
                    s[row + k] = sg_lif_step(&c, alpha[n], beta[n], theta[n], x[row + k], &i[k], &v[k], &u);
                    i_save[row + k] = i[k];
                    if (u_out) u_out[row + k] = u;
                }
            }
            if (v_last)
                for (int k = 0; k < len; ++k) v_last[(size_t)b * N + n0 + k] = v[k];
        }
    });
}

int forward_recurrent(const sg_lif_config& c, const float* x, const float* w_rec,
                      const float* alpha, const float* beta, const float* theta,
                      const float* i0, const float* v0, float* s, float* i_save,
                      float* u_out, float* v_last) {
    const int B = c.batch, N = c.neurons, T = c.steps;
    const int parts = sg::parts_for(B);
    std::vector<float> state;
    std::vector<int> active_all;
    try {
        state.resize((size_t)parts * 3 * N);
        active_all.resize((size_t)parts * N);
    } catch (...) {
        return SG_ERR_ALLOC;
    }
    sg::parallel_for(B, [&, c](int part, int64_t begin, int64_t end) {
        float* i = state.data() + (size_t)part * 3 * N;
        float* v = i + N;
        float* in = v + N;
        int* active = active_all.data() + (size_t)part * N;
        for (int64_t b = begin; b < end; ++b) {
            for (int n = 0; n < N; ++n) {
                i[n] = i0[b * N + n];
                v[n] = v0[b * N + n];
            }
            for (int t = 0; t < T; ++t) {
                const size_t row = ((size_t)t * B + b) * N;
                for (int n = 0; n < N; ++n) in[n] = x[row + n];
                if (t > 0) {
                    // I[t] += sum_j S[t-1][j] * w_rec[j][:], over the neurons that spiked
                    const float* prev = s + row - (size_t)B * N;
                    int count = 0;
                    for (int j = 0; j < N; ++j)
                        if (prev[j] != 0.0f) active[count++] = j;
                    for (int a = 0; a < count; ++a) {
                        const int j = active[a];
                        const float sj = prev[j];
                        const float* w = w_rec + (size_t)j * N;
                        for (int n = 0; n < N; ++n) in[n] += sj * w[n];
                    }
                }
                for (int n = 0; n < N; ++n) {
                    float u;
                    s[row + n] = sg_lif_step(&c, alpha[n], beta[n], theta[n], in[n], &i[n], &v[n], &u);
                    i_save[row + n] = i[n];
                    if (u_out) u_out[row + n] = u;
                }
            }
            if (v_last)
                for (int n = 0; n < N; ++n) v_last[b * N + n] = v[n];
        }
    });
    return SG_OK;
}

}  // namespace

SG_API int sg_lif_forward(const sg_lif_config* cfg, const float* x, const float* w_rec,
                          const float* alpha, const float* beta, const float* theta,
                          const float* i0, const float* v0,
                          float* s, float* i_save, float* u_out, float* v_last) {
    int st = sg::check_config(cfg);
    if (st != SG_OK) return st;
    if (sg::any_null(x, alpha, beta, theta, i0, v0, s, i_save)) return SG_ERR_NULL_POINTER;
    // A local copy: the float outputs could alias the caller's struct, which would force
    // the compiler to reload every setting after every store.
    const sg_lif_config c = *cfg;
    if (w_rec) return forward_recurrent(c, x, w_rec, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last);
    forward_feedforward(c, x, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last);
    return SG_OK;
}
