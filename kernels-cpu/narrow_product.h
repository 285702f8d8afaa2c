/* spikegrad CPU: rows of a b^T for a narrow inner size (a readout of 10 or 20 feeding its
 * dL/dX back), 64 outputs at a time from b packed into [inner][64] column panels. Shared by
 * masked_matmul's whole-row path and sg_lif_backward_product, so that the product computed
 * inside the LIF backward has the bits of the one computed apart. */
#ifndef SPIKEGRAD_NARROW_PRODUCT_H
#define SPIKEGRAD_NARROW_PRODUCT_H

#include <cstddef>

namespace sg {

constexpr int kNarrowPanel = 64;  // outputs per panel: eight 8-float vectors in registers

/* Panels of b [cols][inner] (row j = the inner-size weights of output j): panel p is
 * [inner][kNarrowPanel], entry (c, j) = b[p*kNarrowPanel + j][c], zero past the last column. */
inline void pack_panels(const float* __restrict b, int cols, int inner, float* __restrict panels) {
    for (int j0 = 0; j0 < cols; j0 += kNarrowPanel) {
        float* __restrict p = panels + (size_t)(j0 / kNarrowPanel) * inner * kNarrowPanel;
        const int width = cols - j0 < kNarrowPanel ? cols - j0 : kNarrowPanel;
        for (int c = 0; c < inner; ++c)
            for (int j = 0; j < kNarrowPanel; ++j) p[(size_t)c * kNarrowPanel + j] = j < width ? b[(size_t)(j0 + j) * inner + c] : 0.0f;
    }
}

/* out[j] = sum_c a[c] * panel[c][j] for j < kNarrowPanel, c increasing from 0, one vector sum per 8
 * outputs (a multiply, then an add: no contraction). Inline, for the callers' clones. */
inline void narrow_row(const float* __restrict a, const float* __restrict panel, int inner, float* __restrict out) {
    typedef float v8 __attribute__((vector_size(32)));
    typedef float v8u __attribute__((vector_size(32), aligned(4)));
    auto ld = [](const float* p) { return *reinterpret_cast<const v8u*>(p); };
    // named sums: GCC keeps these in registers, an array of them it spills
    v8 s0{}, s1{}, s2{}, s3{}, s4{}, s5{}, s6{}, s7{};
    for (int c = 0; c < inner; ++c) {
        const float x = a[c];
        const float* p = panel + (size_t)c * kNarrowPanel;
        s0 += x * ld(p); s1 += x * ld(p + 8); s2 += x * ld(p + 16); s3 += x * ld(p + 24);
        s4 += x * ld(p + 32); s5 += x * ld(p + 40); s6 += x * ld(p + 48); s7 += x * ld(p + 56);
    }
    *reinterpret_cast<v8u*>(out) = s0; *reinterpret_cast<v8u*>(out + 8) = s1;
    *reinterpret_cast<v8u*>(out + 16) = s2; *reinterpret_cast<v8u*>(out + 24) = s3;
    *reinterpret_cast<v8u*>(out + 32) = s4; *reinterpret_cast<v8u*>(out + 40) = s5;
    *reinterpret_cast<v8u*>(out + 48) = s6; *reinterpret_cast<v8u*>(out + 56) = s7;
}

}  // namespace sg

#endif
