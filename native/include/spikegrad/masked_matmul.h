/* spikegrad C API: a product computed only where a mask says it is needed (CPU).
 *
 * The gradient into a LIF layer's spikes, dL/dS[t][b][j] = sum_c dL/dX'[t][b][c] W'[j][c]
 * (X' the next layer's input current), only matters where that layer's surrogate derivative
 * g*sigma'(U - theta) is nonzero: the backward multiplies it by that derivative (lif_math.h).
 * Surrogates of compact support (triangle, boxcar) are exactly zero far from threshold, and
 * the opt-in cut-off (sg_lif_config.grad_cutoff) zeroes the tails of the others. Where the
 * mask of needed entries is sparse, this kernel replaces the dense GEMM (Perez-Nieves &
 * Goodman 2021 skip the same work).
 * Shapes: R rows (T*B), K inner (next layer's neurons), N columns (this layer's neurons). */
#ifndef SPIKEGRAD_MASKED_MATMUL_H
#define SPIKEGRAD_MASKED_MATMUL_H

#include <stdint.h>

#include "sg_defs.h"

/* out[r][j] = mask[r][j] ? sum_c a[r][c] * b[j][c] : 0
 *   a [R][K], b [N][K] (row j holds what column j needs, e.g. W' [N][K]), mask [R][N] uint8,
 *   out [R][N], overwritten. Each sum runs over c in a fixed order for every thread count.
 *   mask NULL: every entry, out = a b^T (the CPU backend's GEMM for K <= 64, where it is
 *   faster than SGEMM). */
SG_API int sg_masked_matmul(int rows, int inner, int cols, const float* a, const float* b,
                            const uint8_t* mask, float* out);

#endif
