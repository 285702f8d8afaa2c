/* spikegrad CPU: spike-sparse products (spike_matmul.h). */
#include "spikegrad/spike_matmul.h"

#include <vector>

#include "cpu_common.h"

namespace {

/* Indices of the nonzero entries of one row; returns their count. */
inline int nonzeros(const float* row, int k, int* idx) {
    int c = 0;
    for (int j = 0; j < k; ++j) {
        idx[c] = j;
        c += row[j] != 0.0f;
    }
    return c;
}

}  // namespace

SG_API int sg_spike_matmul(int rows, int inputs, int outputs, const float* x, const float* w,
                           float beta, float* out) {
    if (rows < 1 || inputs < 1 || outputs < 1) return SG_ERR_BAD_SHAPE;
    if (sg::any_null(x, w, out)) return SG_ERR_NULL_POINTER;
    const int parts = sg::parts_for(rows);
    std::vector<int> idx_all;
    try {
        idx_all.resize((size_t)parts * inputs);
    } catch (...) {
        return SG_ERR_ALLOC;
    }
    sg::parallel_for(rows, [&](int part, int64_t begin, int64_t end) {
        int* idx = idx_all.data() + (size_t)part * inputs;
        for (int64_t r = begin; r < end; ++r) {
            const float* xr = x + (size_t)r * inputs;
            float* __restrict o = out + (size_t)r * outputs;
            if (beta == 0.0f) {
                for (int n = 0; n < outputs; ++n) o[n] = 0.0f;
            } else if (beta != 1.0f) {
                for (int n = 0; n < outputs; ++n) o[n] *= beta;
            }
            const int count = nonzeros(xr, inputs, idx);
            for (int a = 0; a < count; ++a) {
                const int j = idx[a];
                const float xj = xr[j];
                sg::axpy(o, w + (size_t)j * outputs, xj, 0, outputs);
            }
        }
    });
    return SG_OK;
}

SG_API int sg_spike_matmul_weight_grad(int rows, int inputs, int outputs, const float* x,
                                       const float* g, float beta, float* dw) {
    if (rows < 1 || inputs < 1 || outputs < 1) return SG_ERR_BAD_SHAPE;
    if (sg::any_null(x, g, dw)) return SG_ERR_NULL_POINTER;
    // Threads own column slices of dw (multiples of 16 floats), so every dw entry is summed
    // by one thread in row order: the same bits for any thread count.
    const int64_t slices = (outputs + 15) / 16;
    const int parts = sg::parts_for(slices);
    std::vector<int> idx_all;
    try {
        idx_all.resize((size_t)parts * inputs);
    } catch (...) {
        return SG_ERR_ALLOC;
    }
    sg::parallel_for(slices, [&](int part, int64_t begin, int64_t end) {
        int* idx = idx_all.data() + (size_t)part * inputs;
        const int n0 = (int)(begin * 16);
        const int n1 = (int)(end * 16 < outputs ? end * 16 : outputs);
        for (int j = 0; j < inputs; ++j) {
            float* __restrict d = dw + (size_t)j * outputs;
            if (beta == 0.0f) {
                for (int n = n0; n < n1; ++n) d[n] = 0.0f;
            } else if (beta != 1.0f) {
                for (int n = n0; n < n1; ++n) d[n] *= beta;
            }
        }
        for (int r = 0; r < rows; ++r) {
            const float* xr = x + (size_t)r * inputs;
            const float* __restrict gr = g + (size_t)r * outputs;
            const int count = nonzeros(xr, inputs, idx);
            for (int a = 0; a < count; ++a) {
                const int j = idx[a];
                const float xj = xr[j];
                sg::axpy(dw + (size_t)j * outputs, gr, xj, n0, n1);
            }
        }
    });
    return SG_OK;
}

SG_API long long sg_count_nonzero(const float* p, long long n) {
    if (!p || n <= 0) return 0;
    long long c = 0;
    for (long long k = 0; k < n; ++k) c += p[k] != 0.0f;
    return c;
}
