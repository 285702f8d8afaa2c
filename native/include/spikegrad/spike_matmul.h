/* spikegrad C API: products with a spike-sparse left operand (CPU).
 *
 * When a layer's input is spikes at a few percent density, a dense GEMM spends most of
 * its work multiplying zeros. These kernels visit only the nonzero inputs of each row
 * (Perez-Nieves & Goodman 2021 make the same observation for the backward pass).
 * Results are exact (the same sums, in row order); x may hold any values, zeros skipped.
 * Shapes: R rows (T*B), K inputs, N outputs; all row-major. */
#ifndef SPIKEGRAD_SPIKE_MATMUL_H
#define SPIKEGRAD_SPIKE_MATMUL_H

#include "sg_defs.h"

/* x is float (x_dtype SG_F32, any values), uint8_t (SG_U8) or a bit raster (SG_BIT, rows of
 * SG_BIT_WORDS(K) words: the cheapest to walk).
 *
 * out[r][n] = beta*out[r][n] + sum over x[r][j] != 0 of x[r][j] * w[j][n]
 *   x [R][K], w [K][N], out [R][N]; beta 0 overwrites (out may hold garbage).
 *   Each out entry sums its terms in increasing j. */
SG_API int sg_spike_matmul(int rows, int inputs, int outputs, const void* x, int x_dtype,
                           const float* w, float beta, float* out);

/* dw[j][n] = beta*dw[j][n] + sum over r with x[r][j] != 0 of x[r][j] * g[r][n]
 *   x [R][K], g [R][N], dw [K][N]; the sum over r runs in row order for every thread
 *   count (each thread owns a slice of the N columns). */
SG_API int sg_spike_matmul_weight_grad(int rows, int inputs, int outputs, const void* x, int x_dtype,
                                       const float* g, float beta, float* dw);

/* Number of nonzero values among n elements of type dtype (density measurement); for SG_BIT
 * n counts words (a raster's unused high bits are zero); -1 for an unknown dtype. */
SG_API long long sg_count_nonzero(const void* p, int dtype, long long n);

/* Sum of n elements of type dtype (n words for SG_BIT), in double, in index order (spike
 * counts); NaN for an unknown dtype. */
SG_API double sg_sum(const void* p, int dtype, long long n);

#endif
