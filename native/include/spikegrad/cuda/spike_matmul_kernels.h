/* spikegrad CUDA: per-thread bodies of the spike-sparse products and the reductions
 * (host and device). Products as in spike_matmul.h:
 *
 *   out[r][n] = beta*out[r][n] + sum over x[r][j] != 0 of x[r][j] * w[j][n]      (forward)
 *   dw[j][n]  = beta*dw[j][n]  + sum over x[r][j] != 0 of x[r][j] * g[r][n]      (weight grad)
 *
 * Two kernels each. First the nonzeros of x are listed (one thread per row for the forward,
 * one per column j for the weight gradient; each list increasing, so every sum adds its terms
 * in the order kernels-cpu/spike_matmul.cpp adds them and the results are bit-identical to the
 * CPU's). Then one thread per output element (flat index, consecutive threads on consecutive
 * n: coalesced reads of the rows of w or g) walks its list. Scratch: an int list of R*K
 * (forward) or K*R (weight gradient) entries plus one count per list.
 *
 * The reductions (count of nonzeros, sum, count of non-finite values) write one partial per
 * thread of a fixed grid (at most 64 x 256); one thread per block of that grid then adds its
 * block's 256 partials in order, and the host adds the (at most 64) block sums in order: a
 * fixed order (deterministic) and a copy of at most 512 bytes. */
#ifndef SPIKEGRAD_CUDA_SPIKE_MATMUL_KERNELS_H
#define SPIKEGRAD_CUDA_SPIKE_MATMUL_KERNELS_H

#include <math.h>
#include "grid.h"

typedef struct sg_spmm_params {
    int rows, inputs, outputs;
    const void* x;      /* [R][K], F32 or U8 */
    const float* w;     /* forward: w [K][N]; weight gradient: g [R][N] */
    float beta;
    float* out;         /* forward: out [R][N]; weight gradient: dw [K][N] */
    int* list;          /* forward: [R][K] column indices; weight gradient: [K][R] row indices */
    int* count;         /* forward: [R]; weight gradient: [K] */
} sg_spmm_params;

/* Forward, pass 1: thread r lists the nonzero columns of row r. */
template <typename X_T>
SG_HD void sg_spmm_list_rows_thread(const sg_spmm_params& p, sg_thread th) {
    const int64_t r = sg_global_index(th);
    if (r >= p.rows) return;
    const X_T* xr = (const X_T*)p.x + r * p.inputs;
    int* l = p.list + r * p.inputs;
    int c = 0;
    for (int j = 0; j < p.inputs; ++j)
        if (xr[j] != 0) l[c++] = j;
    p.count[r] = c;
}

/* Forward, pass 2: thread idx = r*N + n. */
template <typename X_T>
SG_HD void sg_spmm_forward_thread(const sg_spmm_params& p, sg_thread th) {
    const int64_t idx = sg_global_index(th);
    if (idx >= (int64_t)p.rows * p.outputs) return;
    const int64_t r = idx / p.outputs, n = idx % p.outputs;
    const X_T* xr = (const X_T*)p.x + r * p.inputs;
    const int* l = p.list + r * p.inputs;
    float acc = p.beta == 0.0f ? 0.0f : p.out[idx] * p.beta;
    for (int a = 0, c = p.count[r]; a < c; ++a) {
        const int j = l[a];
        acc += (float)xr[j] * p.w[(int64_t)j * p.outputs + n];
    }
    p.out[idx] = acc;
}

/* Weight gradient, pass 1: thread j lists the rows r with x[r][j] != 0 (consecutive threads
 * read consecutive bytes of a row of x). */
template <typename X_T>
SG_HD void sg_spmm_list_columns_thread(const sg_spmm_params& p, sg_thread th) {
    const int64_t j = sg_global_index(th);
    if (j >= p.inputs) return;
    const X_T* x = (const X_T*)p.x;
    int* l = p.list + j * p.rows;
    int c = 0;
    for (int r = 0; r < p.rows; ++r)
        if (x[(int64_t)r * p.inputs + j] != 0) l[c++] = r;
    p.count[j] = c;
}

/* Weight gradient, pass 2: thread idx = j*N + n. */
template <typename X_T>
SG_HD void sg_spmm_weight_grad_thread(const sg_spmm_params& p, sg_thread th) {
    const int64_t idx = sg_global_index(th);
    if (idx >= (int64_t)p.inputs * p.outputs) return;
    const int64_t j = idx / p.outputs, n = idx % p.outputs;
    const X_T* x = (const X_T*)p.x;
    const int* l = p.list + j * p.rows;
    float acc = p.beta == 0.0f ? 0.0f : (p.beta == 1.0f ? p.out[idx] : p.out[idx] * p.beta);
    for (int a = 0, c = p.count[j]; a < c; ++a) {
        const int64_t r = l[a];
        acc += (float)x[r * p.inputs + j] * p.w[r * p.outputs + n];
    }
    p.out[idx] = acc;
}

/* ---- masked product (masked_matmul.h): out[r][j] = mask[r][j] ? sum_c a[r][c] b[j][c] : 0 ---- */

typedef struct sg_masked_params {
    int rows, inner, cols;
    const float *a, *b;   /* a [R][K], b [N][K] */
    const uint8_t* mask;  /* [R][N] */
    float* out;           /* [R][N] */
} sg_masked_params;

/* Thread idx = r*N + j: one dot product over c in increasing order where the mask is set
 * (a warp's threads share the row of a; the rows of b are read along c by each thread). */
SG_HD void sg_masked_matmul_thread(const sg_masked_params& p, sg_thread th) {
    const int64_t idx = sg_global_index(th);
    if (idx >= (int64_t)p.rows * p.cols) return;
    if (!p.mask[idx]) {
        p.out[idx] = 0.0f;
        return;
    }
    const int64_t r = idx / p.cols, j = idx % p.cols;
    const float* ar = p.a + r * p.inner;
    const float* bj = p.b + j * p.inner;
    float acc = 0.0f;
    for (int c = 0; c < p.inner; ++c) acc += ar[c] * bj[c];
    p.out[idx] = acc;
}

/* ---- reductions over n elements: thread k of the grid handles k, k + G, k + 2G, ... ---- */

/* Grid of the reductions: at most 64 blocks, so the host adds at most 16384 partials. */
SG_HD sg_grid sg_grid_reduce(int64_t n) {
    sg_grid g = sg_grid_for(n);
    if (g.blocks > 64) g.blocks = 64;
    if (g.blocks < 1) g.blocks = 1;
    return g;
}

enum sg_reduce_kind { SG_REDUCE_NONZERO = 0, SG_REDUCE_SUM = 1, SG_REDUCE_NONFINITE = 2 };

/* partial[k] = count of nonzero / sum (in double) / count of non-finite of the thread's elements. */
template <typename X_T>
SG_HD void sg_reduce_thread(const void* data, int64_t n, int kind, double* partial, sg_thread th) {
    const int64_t k = sg_global_index(th), stride = (int64_t)th.grid_dim * th.block_dim;
    const X_T* x = (const X_T*)data;
    double acc = 0.0;
    for (int64_t e = k; e < n; e += stride) {
        const double v = (double)x[e];
        if (kind == SG_REDUCE_NONZERO) acc += x[e] != 0 ? 1.0 : 0.0;
        else if (kind == SG_REDUCE_SUM) acc += v;
        else acc += isfinite(v) ? 0.0 : 1.0;
    }
    partial[k] = acc;
}

/* Thread k of a 1-block grid: out[k] = sum of partial[k*per .. (k+1)*per) in order. */
SG_HD void sg_reduce_blocks_thread(const double* partial, int blocks, int per, double* out, sg_thread th) {
    const int64_t k = sg_global_index(th);
    if (k >= blocks) return;
    double acc = 0.0;
    for (int e = 0; e < per; ++e) acc += partial[k * per + e];
    out[k] = acc;
}

#endif
