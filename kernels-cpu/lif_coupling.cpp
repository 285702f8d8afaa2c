/* spikegrad CPU: the recurrent coupling product GS = GX W_rec^T (lif_coupling.h).
 *
 * A panel of 16 columns of W_rec^T (16 KB for N = 256) stays in L1 while blocks of six
 * samples sweep it: every weight load serves six samples, and twelve independent vector sums
 * hide the latency of the adds. Rows left over go in blocks of four or five (eight or ten
 * sums) rather than one at a time: a 32-sample block's recurrent backward (2 threads, shd-rec)
 * went from 10.4 to 9.1 ms, median of 7, same bits. This file alone is compiled with
 * -ffp-contract=fast: on CPUs with FMA (the fma clone) each multiply-add is fused, halving the
 * instructions. Nothing
 * recomputes these sums, so fusing costs no bit-matching elsewhere; each sum still runs over n
 * in increasing order, so results depend on the instruction set, never on threads or blocks. */
#include "lif_coupling.h"

#include <cstdint>

namespace sg {

namespace {

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

__attribute__((always_inline)) inline v8 load(const float* p) { return *reinterpret_cast<const v8u*>(p); }

/* Rows [b, b + ROWS) of gs for the panel at columns [j, j + width). */
template <int ROWS>
__attribute__((always_inline)) inline void tile(const float* __restrict gx, const float* __restrict panel, float* __restrict gs, int b, int j,
                 int width, int N) {
    v8 lo[ROWS], hi[ROWS];
    for (int q = 0; q < ROWS; ++q) lo[q] = hi[q] = v8{};
    const float* g = gx + (size_t)b * N;
    for (int n = 0; n < N; ++n) {
        const v8 w0 = load(panel + (size_t)n * kPanel), w1 = load(panel + (size_t)n * kPanel + 8);
        for (int q = 0; q < ROWS; ++q) {
            const float xs = g[(size_t)q * N + n];
            const v8 x = {xs, xs, xs, xs, xs, xs, xs, xs};
            lo[q] += x * w0;
            hi[q] += x * w1;
        }
    }
    for (int q = 0; q < ROWS; ++q) {
        float out[kPanel];
        *reinterpret_cast<v8u*>(out) = lo[q];
        *reinterpret_cast<v8u*>(out + 8) = hi[q];
        float* o = gs + (size_t)(b + q) * N + j;
        for (int jj = 0; jj < width; ++jj) o[jj] = out[jj];
    }
}

}  // namespace

void pack_coupling(const float* w_rec, int N, float* wp) {
    for (int j0 = 0; j0 < N; j0 += kPanel)
        for (int n = 0; n < N; ++n)
            for (int jj = 0; jj < kPanel; ++jj) {
                const int j = j0 + jj;
                wp[(size_t)j0 * N + (size_t)n * kPanel + jj] = j < N ? w_rec[(size_t)j * N + n] : 0.0f;
            }
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((target_clones("fma", "default")))
#endif
void coupling_product(const float* gx, const float* wp, float* gs, int nb, int N) {
    for (int j = 0; j < N; j += kPanel) {
        const float* panel = wp + (size_t)j * N;
        const int width = N - j < kPanel ? N - j : kPanel;
        // tiles of 6 rows, the rest in tiles of 4 or 5 where possible: a tile needs 8 or more
        // independent sums to keep both FMA pipes busy (latency 4), so the two leftover rows of
        // a 32-sample block (5 x 6 + 2) had run single at a quarter of the speed
        int b = 0;
        for (; nb - b >= 6 && nb - b != 8 && nb - b != 7; b += 6) tile<6>(gx, panel, gs, b, j, width, N);
        for (; nb - b >= 4; b += 4) tile<4>(gx, panel, gs, b, j, width, N);
        switch (nb - b) {
        case 3: tile<3>(gx, panel, gs, b, j, width, N); break;
        case 2: tile<2>(gx, panel, gs, b, j, width, N); break;
        case 1: tile<1>(gx, panel, gs, b, j, width, N); break;
        default: break;
        }
    }
}

}  // namespace sg
