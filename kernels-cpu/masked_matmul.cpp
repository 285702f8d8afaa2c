/* spikegrad CPU: the masked product (masked_matmul.h).
 *
 * Threads own contiguous row ranges. Columns go in blocks of 64 (the block of b, 64 x K
 * floats, stays in L2); for each row the set entries of its mask in the block are listed with
 * the table scan of spike_scan.h, and each listed entry is one dot product of the row of a
 * (in L1) with a row of the block, in four vector sums combined in a fixed order. Without a
 * mask every entry is computed: for a narrow inner size (a readout of 10 or 20 feeding back)
 * the whole-row path below is over twice as fast as OpenBLAS's SGEMM, whose packing does not
 * pay off at K = 20. */
#include "spikegrad/masked_matmul.h"

#include <cstring>
#include <vector>

#include "cpu_common.h"
#include "narrow_product.h"
#include "spike_scan.h"

namespace {

constexpr int kBlock = sg::kNarrowPanel;
constexpr int kSmallInner = 64;  // up to this inner size whole rows are computed (small_inner_rows)

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

inline v8 ld(const float* p) { return *reinterpret_cast<const v8u*>(p); }

/* sum_c x[c] * y[c] for c < k: four running vector sums over 32-float steps, then a fixed
 * pairwise combination and the tail in order. */
inline float dot(const float* __restrict x, const float* __restrict y, int k) {
    v8 s0{}, s1{}, s2{}, s3{};
    int c = 0;
    for (; c + 32 <= k; c += 32) {
        s0 += ld(x + c) * ld(y + c);
        s1 += ld(x + c + 8) * ld(y + c + 8);
        s2 += ld(x + c + 16) * ld(y + c + 16);
        s3 += ld(x + c + 24) * ld(y + c + 24);
    }
    for (; c + 8 <= k; c += 8) s0 += ld(x + c) * ld(y + c);
    const v8 s = (s0 + s1) + (s2 + s3);
    float r = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; c < k; ++c) r += x[c] * y[c];
    return r;
}

/* A narrow inner dimension (a readout of 10 or 20 feeding back): whole rows at once from b's
 * [K][64] column panels (L1, packed once per call), 64 outputs in registers (narrow_row), then
 * the masked-out entries cleared: cheaper than one short dot product per needed entry. */
SG_CPU_CLONES void small_inner_rows(int64_t r0, int64_t r1, int inner, int cols, const float* a, const float* panels,
                                    const uint8_t* mask, float* out) {
    for (int j0 = 0; j0 < cols; j0 += kBlock) {
        const int width = cols - j0 < kBlock ? cols - j0 : kBlock;
        const float* panel = panels + (size_t)(j0 / kBlock) * inner * kBlock;
        for (int64_t r = r0; r < r1; ++r) {
            alignas(32) float tmp[kBlock];
            float* o = out + (size_t)r * cols + j0;
            float* dst = !mask && width == kBlock ? o : tmp;  // no mask: a full block goes straight out
            sg::narrow_row(a + (size_t)r * inner, panel, inner, dst);
            if (!mask) {
                if (dst == tmp) std::memcpy(o, tmp, sizeof(float) * width);
                continue;
            }
            const uint8_t* m = mask + (size_t)r * cols + j0;
            for (int j = 0; j < width; ++j) o[j] = m[j] ? tmp[j] : 0.0f;
        }
    }
}

SG_CPU_CLONES void masked_rows(int64_t r0, int64_t r1, int inner, int cols, const float* a, const float* b,
                               const uint8_t* mask, float* out, int* idx) {
    for (int j0 = 0; j0 < cols; j0 += kBlock) {
        const int width = cols - j0 < kBlock ? cols - j0 : kBlock;
        for (int64_t r = r0; r < r1; ++r) {
            float* o = out + (size_t)r * cols + j0;
            const float* ar = a + (size_t)r * inner;
            if (!mask) {  // every entry (correct, though a GEMM is faster for a wide inner size)
                for (int j = 0; j < width; ++j) o[j] = dot(ar, b + (size_t)(j0 + j) * inner, inner);
                continue;
            }
            std::memset(o, 0, sizeof(float) * width);
            const int count = sg::nonzeros(mask + (size_t)r * cols + j0, width, idx);
            for (int q = 0; q < count; ++q) {
                const int j = idx[q];
                o[j] = dot(ar, b + (size_t)(j0 + j) * inner, inner);
            }
        }
    }
}

}  // namespace

SG_API int sg_masked_matmul(int rows, int inner, int cols, const float* a, const float* b,
                            const uint8_t* mask, float* out) {
    if (rows < 1 || inner < 1 || cols < 1) return SG_ERR_BAD_SHAPE;
    if (sg::any_null(a, b, out)) return SG_ERR_NULL_POINTER;  // mask may be NULL: every entry
    const int parts = sg::parts_for(rows);
    std::vector<int> idx;
    sg::LineVector<float> panels;
    try {
        if (inner <= kSmallInner) panels.resize((size_t)((cols + kBlock - 1) / kBlock) * inner * kBlock);
        else idx.resize((size_t)parts * (kBlock + sg::kSlack));
    } catch (...) {
        return SG_ERR_ALLOC;
    }
    if (inner <= kSmallInner) sg::pack_panels(b, cols, inner, panels.data());
    sg::parallel_for(rows, [&](int part, int64_t r0, int64_t r1) {
        if (inner <= kSmallInner)
            small_inner_rows(r0, r1, inner, cols, a, panels.data(), mask, out);
        else
            masked_rows(r0, r1, inner, cols, a, b, mask, out, idx.data() + (size_t)part * (kBlock + sg::kSlack));
    });
    return SG_OK;
}
