/* spikegrad CPU: spike-sparse products (spike_matmul.h). */
#include "spikegrad/spike_matmul.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu_common.h"

namespace {

/* Indices of the nonzero entries of one row; returns their count. Blocks of eight floats
 * whose bits are all zero are skipped with one test (at 5% density two blocks in three);
 * a -0.0f is listed as nonzero, which adds an exact zero and changes nothing. */
inline int nonzeros(const float* row, int k, int* idx) {
    int c = 0, j = 0;
    for (; j + 8 <= k; j += 8) {
        uint64_t w[4];
        std::memcpy(w, row + j, sizeof w);
        if ((w[0] | w[1] | w[2] | w[3]) == 0) continue;
        for (int i = 0; i < 8; ++i) {
            idx[c] = j + i;
            c += row[j + i] != 0.0f;
        }
    }
    for (; j < k; ++j) {
        idx[c] = j;
        c += row[j] != 0.0f;
    }
    return c;
}

/* As nonzeros(), but writes only the listed indices (no speculative store past the count),
 * for filling compressed rows that lie back to back. */
inline void nonzeros_exact(const float* row, int k, int* idx) {
    int c = 0, j = 0;
    for (; j + 8 <= k; j += 8) {
        uint64_t w[4];
        std::memcpy(w, row + j, sizeof w);
        if ((w[0] | w[1] | w[2] | w[3]) == 0) continue;
        for (int i = 0; i < 8; ++i)
            if (row[j + i] != 0.0f) idx[c++] = j + i;
    }
    for (; j < k; ++j)
        if (row[j] != 0.0f) idx[c++] = j;
}

/* Rows [begin, end) of the forward product. */
SG_CPU_CLONES void forward_rows(int64_t begin, int64_t end, int inputs, int outputs, const float* x,
                                const float* w, float beta, float* out, int* idx) {
    for (int64_t r = begin; r < end; ++r) {
        const float* xr = x + (size_t)r * inputs;
        float* __restrict o = out + (size_t)r * outputs;
        if (beta == 0.0f) {
            for (int n = 0; n < outputs; ++n) o[n] = 0.0f;
        } else if (beta != 1.0f) {
            for (int n = 0; n < outputs; ++n) o[n] *= beta;
        }
        const int count = nonzeros(xr, inputs, idx);
        for (int a = 0; a < count; ++a) sg::axpy(o, w + (size_t)idx[a] * outputs, xr[idx[a]], 0, outputs);
    }
}

/* Columns [n0, n1) of dw over every row, from the compressed rows (start/idx). */
SG_CPU_CLONES void weight_grad_columns(int n0, int n1, int rows, int inputs, int outputs, const float* x,
                                       const float* g, float beta, float* dw, const int64_t* start, const int* idx) {
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
        const float* gr = g + (size_t)r * outputs;
        for (int64_t a = start[r]; a < start[r + 1]; ++a) sg::axpy(dw + (size_t)idx[a] * outputs, gr, xr[idx[a]], n0, n1);
    }
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
        forward_rows(begin, end, inputs, outputs, x, w, beta, out, idx_all.data() + (size_t)part * inputs);
    });
    return SG_OK;
}

SG_API int sg_spike_matmul_weight_grad(int rows, int inputs, int outputs, const float* x,
                                       const float* g, float beta, float* dw) {
    if (rows < 1 || inputs < 1 || outputs < 1) return SG_ERR_BAD_SHAPE;
    if (sg::any_null(x, g, dw)) return SG_ERR_NULL_POINTER;
    // Pass 1, over rows: count the nonzero inputs of every row; then their indices in
    // compressed rows, so the column slices of pass 2 do not each scan all of x.
    std::vector<int64_t> start;
    std::vector<int> idx;
    const int parts = sg::parts_for(rows);
    std::vector<int> scratch;
    try {
        start.resize((size_t)rows + 1);
        scratch.resize((size_t)parts * inputs);
    } catch (...) {
        return SG_ERR_ALLOC;
    }
    sg::parallel_for(rows, [&](int part, int64_t begin, int64_t end) {
        int* tmp = scratch.data() + (size_t)part * inputs;
        for (int64_t r = begin; r < end; ++r) start[r + 1] = nonzeros(x + (size_t)r * inputs, inputs, tmp);
    });
    start[0] = 0;
    for (int r = 0; r < rows; ++r) start[r + 1] += start[r];
    try {
        idx.resize((size_t)start[rows] + 1);
    } catch (...) {
        return SG_ERR_ALLOC;
    }
    sg::parallel_for(rows, [&](int, int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) nonzeros_exact(x + (size_t)r * inputs, inputs, idx.data() + start[r]);
    });
    // Pass 2: threads own column slices of dw (multiples of 16 floats), so every dw entry is
    // summed by one thread in row order: the same bits for any thread count.
    const int64_t slices = (outputs + 15) / 16;
    sg::parallel_for(slices, [&](int, int64_t begin, int64_t end) {
        const int n0 = (int)(begin * 16);
        const int n1 = (int)(end * 16 < outputs ? end * 16 : outputs);
        weight_grad_columns(n0, n1, rows, inputs, outputs, x, g, beta, dw, start.data(), idx.data());
    });
    return SG_OK;
}

SG_API long long sg_count_nonzero(const float* p, long long n) {
    if (!p || n <= 0) return 0;
    long long c = 0;
    for (long long k = 0; k < n; ++k) c += p[k] != 0.0f;
    return c;
}
