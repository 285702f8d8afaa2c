/* spikegrad CPU: helpers shared by the kernel files (validation, work split). */
#ifndef SPIKEGRAD_CPU_COMMON_H
#define SPIKEGRAD_CPU_COMMON_H

#include <cstdint>
#include <new>
#include <vector>

#include "spikegrad/lif.h"
#include "thread_pool.h"

/* Hot loops are compiled twice, for AVX2 and for baseline x86-64, and the loader picks one
 * per machine (GCC function multiversioning): the shipped library runs everywhere and uses
 * 8-wide vectors where it can. Vector float arithmetic gives the same bits either way
 * (no FMA contraction, scalar libm calls), so results do not depend on the choice. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SG_CPU_CLONES __attribute__((target_clones("avx2", "default")))
/* Bit counting: the avx2 clone does not enable POPCNT, and without it __builtin_popcount is a
 * libgcc call (3.4 ns per 32-bit word: 0.7 ms to count a 6400 x 1024 bit raster). */
#define SG_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define SG_CPU_CLONES
#define SG_POPCNT_CLONES
#endif

namespace sg {

/* Neurons per work item: a chunk of one sample's neurons, contiguous in
 * memory at every time step, so the inner loop runs over unit stride. */
constexpr int kChunk = 64;

inline int64_t chunks(int n) { return (n + kChunk - 1) / kChunk; }

/* Calls f(q, b, n0, len) for items begin + q of [begin, end), an item being (sample b, chunk
 * of neurons [n0, n0 + len)) of N neurons in nchunk chunks, sample-major. One division for
 * the range, not two per item (the LI kernels walk their items once per step). */
template <typename F>
__attribute__((always_inline)) inline void for_chunk_items(int64_t begin, int64_t end, int64_t nchunk, int N, F&& f) {
    int64_t b = begin / nchunk, c = begin % nchunk;
    for (int64_t q = 0; q < end - begin; ++q) {
        const int n0 = (int)c * kChunk;
        f(q, (int)b, n0, N - n0 < kChunk ? N - n0 : kChunk);
        if (++c == nchunk) {
            c = 0;
            ++b;
        }
    }
}

/* Shapes are validated so that T*B*N fits comfortably in int64 indexing. */
inline int check_shape(int steps, int batch, int neurons) {
    if (steps < 1 || batch < 1 || neurons < 1) return SG_ERR_BAD_SHAPE;
    if ((int64_t)steps * batch * neurons > (int64_t)1 << 40) return SG_ERR_BAD_SHAPE;
    return SG_OK;
}

inline int check_config(const sg_lif_config* c) {
    if (!c) return SG_ERR_NULL_POINTER;
    int st = check_shape(c->steps, c->batch, c->neurons);
    if (st != SG_OK) return st;
    if (c->reset < SG_RESET_SUBTRACT || c->reset > SG_RESET_NONE) return SG_ERR_BAD_ENUM;
    if (c->surrogate < 0 || c->surrogate >= SG_SURR_COUNT) return SG_ERR_BAD_ENUM;
    if (!(c->scale > 0.0f) || !(c->gain > 0.0f)) return SG_ERR_BAD_PARAM;
    if (c->smooth && c->surrogate == SG_SURR_STRAIGHT_THROUGH) return SG_ERR_BAD_PARAM;
    if (c->spike_dtype != SG_F32 && c->spike_dtype != SG_U8 && c->spike_dtype != SG_BIT) return SG_ERR_BAD_ENUM;
    if (c->smooth && c->spike_dtype != SG_F32) return SG_ERR_BAD_PARAM;  // sigma is not a byte or a bit
    if (!(c->grad_cutoff >= 0.0f)) return SG_ERR_BAD_PARAM;
    return SG_OK;
}

template <typename... P>
inline bool any_null(P... p) {
    return ((p == nullptr) || ...);
}

/* o[n] += x * w[n] for n in [n0, n1): the inner loop of the spike-sparse products and of
 * the recurrent forward. Inline: callers are SG_CPU_CLONES functions, so it is compiled into
 * each clone (a cloned callee would pay a dispatch per call). Written with explicit 8-float
 * vectors: left to itself GCC fused consecutive calls into one scalar loop. */
typedef float sg_v8 __attribute__((vector_size(32)));
typedef float sg_v8u __attribute__((vector_size(32), aligned(4)));

inline void axpy(float* __restrict o, const float* __restrict w, float x, int n0, int n1) {
    int n = n0;
    if (x == 1.0f) {
        for (; n + 8 <= n1; n += 8)
            *reinterpret_cast<sg_v8u*>(o + n) = *reinterpret_cast<const sg_v8u*>(o + n) + *reinterpret_cast<const sg_v8u*>(w + n);
        for (; n < n1; ++n) o[n] += w[n];
    } else {
        for (; n + 8 <= n1; n += 8)
            *reinterpret_cast<sg_v8u*>(o + n) = *reinterpret_cast<const sg_v8u*>(o + n) + x * *reinterpret_cast<const sg_v8u*>(w + n);
        for (; n < n1; ++n) o[n] += x * w[n];
    }
}

/* A copy of the settings with the fields a kernel specialises on fixed at compile time.
 * Once inlined, the SG_HD math sees constants and its switches fold away, which lets the
 * compiler vectorise the neuron loop. A negative template value keeps the runtime field. */
template <int RESET, int DETACH, int SURR, int SMOOTH>
inline sg_lif_config specialise(const sg_lif_config& c) {
    sg_lif_config f = c;
    if (RESET >= 0) f.reset = RESET;
    if (DETACH >= 0) f.detach_reset = DETACH;
    if (SURR >= 0) f.surrogate = SURR;
    if (SMOOTH >= 0) f.smooth = SMOOTH;
    return f;
}

/* Calls f.template operator()<R>() with R = c.reset as a compile-time constant. */
template <typename F>
inline void dispatch_reset(int reset, F&& f) {
    switch (reset) {
    case SG_RESET_SUBTRACT: f.template operator()<SG_RESET_SUBTRACT>(); break;
    case SG_RESET_TO_VALUE: f.template operator()<SG_RESET_TO_VALUE>(); break;
    default: f.template operator()<SG_RESET_NONE>(); break;
    }
}

/* Calls f.template operator()<B>() with B = flag as a compile-time constant. */
template <typename F>
inline void dispatch_bool(bool flag, F&& f) {
    if (flag) f.template operator()<true>();
    else f.template operator()<false>();
}

/* Calls f.template operator()<K>() with K = surrogate kind as a compile-time constant. */
template <typename F>
inline void dispatch_surrogate(int kind, F&& f) {
    switch (kind) {
    case SG_SURR_FAST_SIGMOID: f.template operator()<SG_SURR_FAST_SIGMOID>(); break;
    case SG_SURR_SIGMOID: f.template operator()<SG_SURR_SIGMOID>(); break;
    case SG_SURR_ARCTAN: f.template operator()<SG_SURR_ARCTAN>(); break;
    case SG_SURR_TRIANGLE: f.template operator()<SG_SURR_TRIANGLE>(); break;
    case SG_SURR_BOXCAR: f.template operator()<SG_SURR_BOXCAR>(); break;
    case SG_SURR_EXPONENTIAL: f.template operator()<SG_SURR_EXPONENTIAL>(); break;
    default: f.template operator()<SG_SURR_STRAIGHT_THROUGH>(); break;
    }
}

/* Grow-only scratch of the calling thread, by slot. A kernel asks for what one call needs; the
 * memory stays for the next call, so a training loop neither allocates nor page-faults after
 * its first step (a recurrent backward needs megabytes). 64-byte aligned; contents are
 * whatever the last call left. Returns nullptr when memory ran out. */
enum WorkspaceSlot {
    kWsBackward = 0,   // lif_backward: U/V histories and adjoint rows
    kWsPanels,         // lif_backward: packed W_rec panels
    kWsNextPanels,     // lif_backward_product: the next layer's weights in [K][64] panels
    kWsPartials,       // lif_backward, li_backward: per-sample parameter-gradient partials
    kWsGradPartials,   // spike_matmul: row-group partial sums of a narrow weight gradient
    kWsForward,        // lif_forward: the recurrent forward's state rows and spike list
    kWsSlots
};

template <typename T>
inline T* workspace(int slot, size_t n) {
    thread_local std::vector<unsigned char> slots[kWsSlots];
    std::vector<unsigned char>& v = slots[slot];
    const size_t bytes = n * sizeof(T) + 64;
    if (v.size() < bytes) {
        try {
            v.resize(bytes);
        } catch (...) {
            return nullptr;
        }
    }
    const uintptr_t p = reinterpret_cast<uintptr_t>(v.data());
    return reinterpret_cast<T*>((p + 63) & ~uintptr_t(63));
}

/* parallel_for over n items whose body(begin, end, ws) gets per_item floats per item of its
 * range plus `extra` from the running thread's workspace slot; SG_ERR_ALLOC when a workspace
 * could not grow, else SG_OK. */
template <typename F>
inline int parallel_with_workspace(int64_t n, int slot, size_t per_item, size_t extra, F&& body) {
    std::vector<int> status(parts_for(n), SG_OK);
    parallel_for(n, [&](int part, int64_t begin, int64_t end) {
        float* ws = workspace<float>(slot, (size_t)(end - begin) * per_item + extra);
        if (!ws) {
            status[part] = SG_ERR_ALLOC;
            return;
        }
        body(begin, end, ws);
    });
    for (int st : status)
        if (st != SG_OK) return st;
    return SG_OK;
}

/* A std::vector whose data starts on a cache line, for packed scratch blocks of 64-float
 * rows. A plain vector's data starts 16 bytes past a line (malloc's header; blocks above
 * 128 KB are mmap'd and start 16 bytes into a page), so half the 32-byte loads of every row
 * would straddle two lines. */
template <typename T>
struct LineAllocator {
    using value_type = T;
    LineAllocator() = default;
    template <typename U>
    LineAllocator(const LineAllocator<U>&) {}
    T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
    void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t(64)); }
    template <typename U>
    bool operator==(const LineAllocator<U>&) const { return true; }
};
template <typename T>
using LineVector = std::vector<T, LineAllocator<T>>;

/* Asks for the cache lines of p[0..n) (floats) ahead of use; write = true for rows about to
 * be written. A hint only: no effect on results. */
inline void prefetch_row(const float* p, int n, bool write) {
    for (int k = 0; k < n; k += 16) {
        if (write) __builtin_prefetch(p + k, 1, 3);
        else __builtin_prefetch(p + k, 0, 3);
    }
}

/* Sums per-sample partials [B][N] over the batch in sample order, so the
 * result does not depend on how the work was split across threads. */
inline void reduce_batch(const float* part, int batch, int neurons, float* out) {
    for (int n = 0; n < neurons; ++n) out[n] = 0.0f;
    for (int b = 0; b < batch; ++b) {
        const float* row = part + (size_t)b * neurons;
        for (int n = 0; n < neurons; ++n) out[n] += row[n];
    }
}

}  // namespace sg

#endif
