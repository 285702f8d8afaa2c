/* spikegrad CPU: finding the nonzero entries of a row (spike rasters and layer inputs),
 * shared by the spike-sparse products and the recurrent LIF forward. */
#ifndef SPIKEGRAD_SPIKE_SCAN_H
#define SPIKEGRAD_SPIKE_SCAN_H

#include <cstdint>
#include <cstring>

#include "spikegrad/sg_defs.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sg {

constexpr int kSlack = 16;      // index lists are written 16 entries at a time

/* Positions of the set bits of every byte value, and their count. */
struct BitTable {
    uint8_t pos[256][8];
    uint8_t count[256];
    constexpr BitTable() : pos(), count() {
        for (int m = 0; m < 256; ++m) {
            int c = 0;
            for (int b = 0; b < 8; ++b)
                if (m & (1 << b)) pos[m][c++] = (uint8_t)b;
            count[m] = (uint8_t)c;
        }
    }
};
inline constexpr BitTable kBits;

/* Bit i set when element i of the 16 at p is nonzero (-0.0f counts as zero: it adds nothing). */
inline unsigned mask16(const uint8_t* p) {
#if defined(__SSE2__)
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) & 0xffffu;
#else
    unsigned m = 0;
    for (int i = 0; i < 16; ++i) m |= (unsigned)(p[i] != 0) << i;
    return m;
#endif
}

inline unsigned mask16(const float* p) {
#if defined(__SSE2__)
    const __m128 z = _mm_setzero_ps();
    return (unsigned)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p), z)) |
           (unsigned)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p + 4), z)) << 4 |
           (unsigned)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p + 8), z)) << 8 |
           (unsigned)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p + 12), z)) << 12;
#else
    unsigned m = 0;
    for (int i = 0; i < 16; ++i) m |= (unsigned)(p[i] != 0.0f) << i;
    return m;
#endif
}

/* Indices of the nonzero entries of row[0..k), increasing, into idx (which needs k + kSlack
 * entries of room); returns their count. No branch depends on the data: each byte of the mask
 * writes its eight table positions and advances by its bit count. */
typedef uint8_t v8qu __attribute__((vector_size(8)));
typedef int32_t v8si __attribute__((vector_size(32)));
typedef int32_t v8siu __attribute__((vector_size(32), aligned(4)));

/* idx[0..8) = j + the positions of the set bits of byte mask m (the tail is don't-care). */
inline void put_positions(int* __restrict idx, unsigned m, int j) {
    v8qu p;
    std::memcpy(&p, kBits.pos[m], sizeof p);
    *reinterpret_cast<v8siu*>(idx) = __builtin_convertvector(p, v8si) + j;
}

template <typename X_T>
inline int nonzeros(const X_T* row, int k, int* __restrict idx) {
    int c = 0, j = 0;
    for (; j + 16 <= k; j += 16) {
        const unsigned m = mask16(row + j);
        const unsigned lo = m & 0xff, hi = m >> 8;
        put_positions(idx + c, lo, j);
        c += kBits.count[lo];
        put_positions(idx + c, hi, j + 8);
        c += kBits.count[hi];
    }
    for (; j < k; ++j) {
        idx[c] = j;
        c += row[j] != 0;
    }
    return c;
}

/* Indices of the set bits of a bit-raster row of k entries (SG_BIT words), increasing; the
 * cost follows the set bits and the words, not k. Words are taken in pairs, 64 bits at a time.
 * A loop over a word's set bits mispredicts its exit about once per word at a few percent
 * density (~20 cycles, more than listing the bits), so each 64 bits first get eight positions
 * unconditionally: entries past the word's count are garbage that the next word overwrites
 * (idx needs k + kSlack entries of room), and only a word with more than eight set bits
 * loops. Bit 63 is OR-ed in before each count of trailing zeros so that an exhausted word
 * gives 63, never the undefined ctz(0). */
inline int nonzeros_bits(const uint32_t* words, int k, int* __restrict idx) {
    int c = 0;
    const int nw = (k + 31) / 32;
    constexpr uint64_t kGuard = 1ull << 63;
    for (int w = 0; w < nw; w += 2) {
        uint64_t m = words[w];  // word w is the low half, w + 1 (when the row has it) the high
        if (w + 1 < nw) m |= (uint64_t)words[w + 1] << 32;
        const int base = w * 32, n = __builtin_popcountll(m);
        int* __restrict p = idx + c;
#pragma GCC unroll 8
        for (int q = 0; q < 8; ++q) {
            int v = base + __builtin_ctzll(m | kGuard);
            __asm__("" : "+r"(v));  // scalar stores: packing eight of them into a vector costs more
            p[q] = v;
            m &= m - 1;
        }
        for (int q = 8; m; ++q) {  // rare at spike densities: more than 8 of 64 set
            p[q] = base + __builtin_ctzll(m);
            m &= m - 1;
        }
        c += n;
    }
    return c;
}

/* The word of 32 bits (LSB first) saying which of s[0..len) are nonzero, len <= 32. */
template <typename S_T>
inline uint32_t pack_bits(const S_T* s, int len) {
    uint32_t w = 0;
#if defined(__SSE2__)
    if (sizeof(S_T) == 4 && len == 32) {
        const float* f = reinterpret_cast<const float*>(s);
        const __m128 z = _mm_setzero_ps();
        for (int q = 0; q < 8; ++q) w |= (uint32_t)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(f + 4 * q), z)) << (4 * q);
        return w;
    }
#endif
    for (int k = 0; k < len; ++k) w |= (uint32_t)(s[k] != 0) << k;
    return w;
}

/* Whether every listed entry is exactly 1 (spikes), so the products need no multiply. */
template <typename X_T>
inline bool all_ones(const X_T* row, const int* idx, int count) {
    bool ones = true;
    for (int a = 0; a < count; ++a) ones &= row[idx[a]] == (X_T)1;
    return ones;
}

/* Tag for a bit raster (SG_BIT) where the kernels take an element type. */
struct Bits {};

/* The rows of a [R][K] operand, whatever its element type: list a row's nonzeros, say whether
 * they are all 1, read one value. */
template <typename X_T>
struct RowsOf {
    const X_T* x;
    int k;
    const X_T* row(int64_t r) const { return x + (size_t)r * k; }
    int list(int64_t r, int* idx) const { return nonzeros(row(r), k, idx); }
    bool ones(int64_t r, const int* idx, int c) const { return all_ones(row(r), idx, c); }
    float value(int64_t r, int j) const { return (float)row(r)[j]; }
};

template <>
struct RowsOf<Bits> {
    const uint32_t* x;
    int k;
    int list(int64_t r, int* idx) const { return nonzeros_bits(x + (size_t)r * SG_BIT_WORDS(k), k, idx); }
    bool ones(int64_t, const int*, int) const { return true; }
    float value(int64_t, int) const { return 1.0f; }
};

}  // namespace sg

#endif
