/* spikegrad CPU: spike-sparse products (spike_matmul.h).
 *
 * Both products are bound by how fast rows of the dense operand reach the adders, so both
 * work on blocks of kCols = 64 output columns (eight 8-float vectors held in registers)
 * copied into contiguous buffers: rows of a [K][N] matrix whose N is a power of two lie a
 * power of two apart and would share a quarter of the cache sets.
 *
 * Forward, out = beta*out + x W: threads own contiguous row ranges. Each thread lists the
 * nonzeros of its rows once, then for every column block of W (K x 64 floats, in L2) sums
 * the listed weight rows of each row in registers. Every out entry adds its terms in
 * increasing input index j.
 *
 * Weight gradient, dw = beta*dw + x^T g: the nonzeros of x are sorted, per block of
 * kGradRows rows, by input j (a column index). Threads own column blocks of dw; for each row
 * block the 256 x 64 block of g is copied to L2, and for each input j the dw[j] block is
 * loaded once, the g rows where x[r][j] != 0 are added in increasing r, and it is stored
 * once. A narrow dw (few column blocks) is also split into a fixed number of row groups that
 * are summed apart and then added in order (row_groups). A dw of one block of at most
 * kScatterBytes skips the index: rows are taken in order and each g row is added into the dw rows of its
 * nonzeros (scatter_rows), the same terms in the same order. Every dw entry's sum order
 * depends on the shape only, never on the thread count. */
#include "spikegrad/spike_matmul.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu_common.h"
#include "spike_scan.h"

namespace {

using sg::all_ones;
using sg::kSlack;
using sg::nonzeros;

constexpr int kCols = 64;       // output columns summed in registers: 8 AVX2 vectors
constexpr int kGradRows = 256;  // weight gradient: rows per block of the column index (<= 256: uint8 rows)

/* ---- V x 8 columns in registers ---- */

/* V named-by-index vector variables: with the loops over them unrolled, GCC keeps them in
 * registers (a plain float[64] was spilled on every step). In the baseline (SSE2) clone each is
 * a pair of SSE registers. */
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));  // for unaligned rows

template <int V>
struct Acc {
    static_assert(V >= 1 && V <= 8, "1 to 8 vectors");
    v8 a[V];

    static inline v8 ld(const float* p) { return *reinterpret_cast<const v8u*>(p); }
    static inline void st(float* p, v8 v) { *reinterpret_cast<v8u*>(p) = v; }

    inline void zero() {
#pragma GCC unroll 8
        for (int i = 0; i < V; ++i) a[i] = v8{};
    }
    inline void load(const float* p) {
#pragma GCC unroll 8
        for (int i = 0; i < V; ++i) a[i] = ld(p + 8 * i);
    }
    inline void scale(float b) {
#pragma GCC unroll 8
        for (int i = 0; i < V; ++i) a[i] *= b;
    }
    inline void add(const float* p) {
#pragma GCC unroll 8
        for (int i = 0; i < V; ++i) a[i] += ld(p + 8 * i);
    }
    inline void add_scaled(float x, const float* p) {
#pragma GCC unroll 8
        for (int i = 0; i < V; ++i) a[i] += x * ld(p + 8 * i);
    }
    inline void store(float* p) const {
#pragma GCC unroll 8
        for (int i = 0; i < V; ++i) st(p + 8 * i, a[i]);
    }
    /* The first `width` floats only, 8 * (V - 1) < width <= 8 * V: the last vector goes out lane
     * by lane (a copy through a buffer became a rep movs, slow for 80 bytes). */
    inline void store_first(float* p, int width) const {
#pragma GCC unroll 8
        for (int i = 0; i + 1 < V; ++i) st(p + 8 * i, a[i]);
        const int rem = width - 8 * (V - 1);
        float* q = p + 8 * (V - 1);
#pragma GCC unroll 8
        for (int c = 0; c < 8; ++c)
            if (c < rem) q[c] = a[V - 1][c];
    }
    /* Loads the first `width` floats (as store_first), zeros after them. */
    inline void load_first(const float* p, int width) {
#pragma GCC unroll 8
        for (int i = 0; i + 1 < V; ++i) a[i] = ld(p + 8 * i);
        const int rem = width - 8 * (V - 1);
        const float* q = p + 8 * (V - 1);
        v8 t = {};
#pragma GCC unroll 8
        for (int c = 0; c < 8; ++c)
            if (c < rem) t[c] = q[c];
        a[V - 1] = t;
    }
};

/* Vectors for a block of `width` columns (width <= kCols). */
inline int vectors_for(int width) { return (width + 7) / 8; }

/* Calls f.template operator()<V>() with V = v (1..8) as a compile-time constant. */
template <typename F>
__attribute__((always_inline)) inline void dispatch_vectors(int v, F&& f) {
    switch (v) {
    case 1: f.template operator()<1>(); break;
    case 2: f.template operator()<2>(); break;
    case 3: f.template operator()<3>(); break;
    case 4: f.template operator()<4>(); break;
    case 5: f.template operator()<5>(); break;
    case 6: f.template operator()<6>(); break;
    case 7: f.template operator()<7>(); break;
    default: f.template operator()<8>(); break;
    }
}

/* Copies columns [n0, n0+width) of rows [0, k) of m (row length ld) into packed [k][stride]. */
inline void pack_columns(float* __restrict packed, int stride, const float* __restrict m, int64_t ld, int k, int n0, int width) {
    for (int j = 0; j < k; ++j) std::memcpy(packed + (size_t)j * stride, m + (size_t)j * ld + n0, sizeof(float) * width);
}

inline void unpack_columns(float* __restrict m, const float* __restrict packed, int stride, int64_t ld, int k, int n0, int width) {
    for (int j = 0; j < k; ++j) std::memcpy(m + (size_t)j * ld + n0, packed + (size_t)j * stride, sizeof(float) * width);
}

/* Growing per-thread scratch: it lives as long as the thread (the pool's threads persist) and
 * only grows, so a steady training loop allocates nothing. */
template <typename T, typename A>
inline bool room(std::vector<T, A>& v, size_t n) {
    if (v.size() >= n) return true;
    try {
        size_t cap = v.size() < 1024 ? 1024 : v.size();
        while (cap < n) cap *= 2;
        v.resize(cap);
    } catch (...) {
        return false;
    }
    return true;
}

/* ---- forward ---- */

struct ForwardScratch {
    std::vector<int64_t> start;  // [rows + 1] list of row q is [start[q], start[q+1])
    std::vector<int> idx;
    std::vector<float> val;      // values, only for rows that are not all ones
    std::vector<int64_t> vstart; // [rows] offset into val, or -1 for a row of ones
    sg::LineVector<float> packed;  // one column block of W, [K][kCols]
};
thread_local ForwardScratch t_forward;

template <typename X_T>
SG_CPU_CLONES int forward_rows(int64_t begin, int64_t end, int inputs, int outputs, const sg::RowsOf<X_T> x,
                               const float* w, float beta, float* out) {
    ForwardScratch& f = t_forward;
    const int64_t nr = end - begin;
    if (!room(f.start, nr + 1) || !room(f.vstart, nr) || !room(f.packed, (size_t)inputs * kCols)) return SG_ERR_ALLOC;
    int64_t nval = 0;
    f.start[0] = 0;
    for (int64_t q = 0; q < nr; ++q) {
        const int64_t s = f.start[q];
        if (!room(f.idx, (size_t)s + inputs + kSlack)) return SG_ERR_ALLOC;
        const int64_t r = begin + q;
        const int c = x.list(r, f.idx.data() + s);
        f.start[q + 1] = s + c;
        if (x.ones(r, f.idx.data() + s, c)) {
            f.vstart[q] = -1;
        } else {
            if (!room(f.val, (size_t)nval + c)) return SG_ERR_ALLOC;
            for (int a = 0; a < c; ++a) f.val[nval + a] = x.value(r, f.idx[s + a]);
            f.vstart[q] = nval;
            nval += c;
        }
    }
    const int* idx = f.idx.data();
    float* wp = f.packed.data();
    for (int n0 = 0; n0 < outputs; n0 += kCols) {
        const int width = outputs - n0 < kCols ? outputs - n0 : kCols;
        // a narrow block (a readout of 20, say) takes the fewest vectors that cover it (3 for
        // 20: its packed W is 24 wide and stays in L1), padded with zero columns; only `width`
        // columns are stored
        dispatch_vectors(vectors_for(width), [&]<int V>() __attribute__((always_inline)) {
            constexpr int S = 8 * V;
            if (width < S) std::memset(wp, 0, sizeof(float) * (size_t)inputs * S);
            pack_columns(wp, S, w, outputs, inputs, n0, width);
            for (int64_t q = 0; q < nr; ++q) {
                float* o = out + (size_t)(begin + q) * outputs + n0;
                const int* ix = idx + f.start[q];
                const int count = (int)(f.start[q + 1] - f.start[q]);
                const float* val = f.vstart[q] < 0 ? nullptr : f.val.data() + f.vstart[q];
                Acc<V> acc;
                if (beta == 0.0f) {
                    acc.zero();
                } else {
                    if (width < S) acc.load_first(o, width);
                    else acc.load(o);
                    acc.scale(beta);
                }
                if (!val)
                    for (int a = 0; a < count; ++a) acc.add(wp + (size_t)ix[a] * S);
                else
                    for (int a = 0; a < count; ++a) acc.add_scaled(val[a], wp + (size_t)ix[a] * S);
                if (width < S) acc.store_first(o, width);
                else acc.store(o);
            }
        });
    }
    return SG_OK;
}

template <typename X_T>
int spike_matmul(int rows, int inputs, int outputs, const sg::RowsOf<X_T> x, const float* w, float beta, float* out) {
    std::vector<int> status(sg::parts_for(rows), SG_OK);
    sg::parallel_for(rows, [&](int part, int64_t begin, int64_t end) {
        status[part] = forward_rows(begin, end, inputs, outputs, x, w, beta, out);
    });
    for (int st : status)
        if (st != SG_OK) return st;
    return SG_OK;
}

/* ---- weight gradient ---- */

/* The nonzeros of one block of kGradRows rows sorted by input: the entries of input j are
 * [start[j], start[j+1]), each a row of the block (increasing) and, unless the block is all
 * ones, its value. */
struct BlockIndex {
    const int32_t* start = nullptr;  // [K + 1]
    const uint8_t* row = nullptr;
    const float* val = nullptr;      // null: every value is 1
};

struct IndexScratch {
    std::vector<int> idx;           // nonzero lists of one block's rows, back to back
    std::vector<int> rstart;        // [kGradRows + 1]
    std::vector<int32_t> starts;    // [blocks][K + 1]
    std::vector<uint8_t> rows;
    std::vector<float> vals;
    std::vector<size_t> first;      // [blocks] offset of each block's entries in rows/vals
    std::vector<char> ones;         // [blocks]
};
/* One per part of the index region, owned by the thread that called weight_grad: the index
 * outlives the region that builds it (the accumulate region reads it), and any pool thread may
 * run any part, so it cannot live in the scratch of the thread that built it. */
thread_local std::vector<IndexScratch> t_index;

/* Builds the index of blocks [b0, b1) into s and points out[b] into it.
 * Each block's rows are scanned once into row lists; a counting sort by input makes the
 * column lists. */
template <typename X_T>
SG_CPU_CLONES int index_blocks(IndexScratch& s, int64_t b0, int64_t b1, int rows, int inputs, const sg::RowsOf<X_T> x,
                               BlockIndex* out) {
    const size_t nb = (size_t)(b1 - b0), stride = (size_t)inputs + 1;
    if (!room(s.starts, nb * stride) || !room(s.rstart, (size_t)kGradRows + 1) || !room(s.first, nb) || !room(s.ones, nb))
        return SG_ERR_ALLOC;
    size_t total = 0;
    for (int64_t b = b0; b < b1; ++b) {
        const size_t lb = (size_t)(b - b0);
        const int r0 = (int)(b * kGradRows), r1 = r0 + kGradRows < rows ? r0 + kGradRows : rows;
        int* rs = s.rstart.data();
        rs[0] = 0;
        bool all1 = true;
        for (int r = r0; r < r1; ++r) {
            const int at = rs[r - r0];
            if (!room(s.idx, (size_t)at + inputs + kSlack)) return SG_ERR_ALLOC;
            const int c = x.list(r, s.idx.data() + at);
            all1 = all1 && x.ones(r, s.idx.data() + at, c);
            rs[r - r0 + 1] = at + c;
        }
        const int n = rs[r1 - r0];
        const int* idx = s.idx.data();
        int32_t* st = s.starts.data() + lb * stride;
        for (size_t j = 0; j <= (size_t)inputs; ++j) st[j] = 0;
        for (int a = 0; a < n; ++a) st[idx[a] + 1]++;
        for (int j = 0; j < inputs; ++j) st[j + 1] += st[j];
        if (!room(s.rows, total + n + 1) || (!all1 && !room(s.vals, total + n + 1))) return SG_ERR_ALLOC;
        s.first[lb] = total;
        s.ones[lb] = all1;
        // fill: st[j] walks up to the next input's start, then is moved back below
        uint8_t* rw = s.rows.data() + total;
        for (int q = 0; q < r1 - r0; ++q) {
            for (int a = rs[q]; a < rs[q + 1]; ++a) {
                const int32_t p = st[idx[a]]++;
                rw[p] = (uint8_t)q;
                if (!all1) s.vals[total + p] = x.value(r0 + q, idx[a]);
            }
        }
        for (int j = inputs; j > 0; --j) st[j] = st[j - 1];
        st[0] = 0;
        total += (size_t)n;
    }
    // the scratch may have moved while it grew: hand out pointers only now
    for (int64_t b = b0; b < b1; ++b) {
        const size_t lb = (size_t)(b - b0);
        out[b] = BlockIndex{s.starts.data() + lb * stride, s.rows.data() + s.first[lb],
                            s.ones[lb] ? nullptr : s.vals.data() + s.first[lb]};
    }
    return SG_OK;
}

struct GradScratch {
    sg::LineVector<float> dw, g;  // packed [K][stride] block of dw and [kGradRows][stride] block of g
};
thread_local GradScratch t_grad;

/* Width of column block cb of the weight gradient (columns [cb * kCols, + width)). */
inline int grad_width(int outputs, int64_t cb) {
    const int n0 = (int)cb * kCols;
    return outputs - n0 < kCols ? outputs - n0 : kCols;
}

/* dwp (packed [K][8V], column block cb) += the products of row blocks [b0, b1), rows in
 * increasing order. */
template <int V>
__attribute__((always_inline)) inline void accumulate_rows_v(int64_t cb, int64_t b0, int64_t b1, int rows, int inputs,
                                                             int outputs, const float* g, const std::vector<BlockIndex>& index,
                                                             float* dwp, float* gp) {
    constexpr int S = 8 * V;
    const int n0 = (int)cb * kCols, width = grad_width(outputs, cb);
    if (width < S) std::memset(gp, 0, sizeof(float) * kGradRows * S);
    for (int64_t b = b0; b < b1; ++b) {
        const int r0 = (int)b * kGradRows, nr = rows - r0 < kGradRows ? rows - r0 : kGradRows;
        pack_columns(gp, S, g + (size_t)r0 * outputs, outputs, nr, n0, width);
        const BlockIndex& bi = index[b];
        for (int j = 0; j < inputs; ++j) {
            const int32_t e0 = bi.start[j], e1 = bi.start[j + 1];
            if (e0 == e1) continue;
            float* d = dwp + (size_t)j * S;
            Acc<V> acc;
            acc.load(d);
            if (!bi.val)
                for (int32_t a = e0; a < e1; ++a) acc.add(gp + (size_t)bi.row[a] * S);
            else
                for (int32_t a = e0; a < e1; ++a) acc.add_scaled(bi.val[a], gp + (size_t)bi.row[a] * S);
            acc.store(d);
        }
    }
}

SG_CPU_CLONES void accumulate_rows(int64_t cb, int64_t b0, int64_t b1, int rows, int inputs, int outputs, const float* g,
                                   const std::vector<BlockIndex>& index, float* dwp, float* gp) {
    dispatch_vectors(vectors_for(grad_width(outputs, cb)), [&]<int V>() __attribute__((always_inline)) {
        accumulate_rows_v<V>(cb, b0, b1, rows, inputs, outputs, g, index, dwp, gp);
    });
}

/* A small dw block (a readout's: 256 inputs x 24 floats, 24 KB, or deep's 1024 x 16, 64 KB)
 * takes the rows of x in order and adds each g row into the dw rows of its nonzeros: no index
 * to build, and every dw entry still adds its terms in increasing r, as accumulate_rows does,
 * so both give the same bits. Measured (2 threads): 6400x1024x10 at 3.7 % 1.5-2.2 -> 0.9-1.0
 * ms, 6400x700x20 at 5 % 1.6-2.0 -> 0.83-0.9 ms; a 700 x 64 block (179 KB) was slower
 * scattered (2.8 vs 2.2 ms: each entry then loads and stores a dw row in L2, where the index
 * path loads a g row), hence the bound. Only for a dw of one column block: with several, each
 * would list the rows again (256 x 256, four 64 KB blocks, measured no better scattered:
 * 1.55-1.73 ms min either way). Rows [r0, r1); dwp packed [K][8V]. */
constexpr size_t kScatterBytes = 128 * 1024;

template <int V, typename X_T>
__attribute__((always_inline)) inline void scatter_rows_v(int64_t cb, int64_t r0, int64_t r1, int outputs,
                                                          const sg::RowsOf<X_T> x, const float* g, float* dwp, int* idx) {
    constexpr int S = 8 * V;
    const int n0 = (int)cb * kCols, width = grad_width(outputs, cb);
    for (int64_t r = r0; r < r1; ++r) {
        const int count = x.list(r, idx);
        if (count == 0) continue;
        const float* gr = g + (size_t)r * outputs + n0;
        Acc<V> gv;
        if (width < S) gv.load_first(gr, width);  // never read past the block's columns (or the end of g)
        else gv.load(gr);
        const bool ones = x.ones(r, idx, count);
        for (int a = 0; a < count; ++a) {
            float* d = dwp + (size_t)idx[a] * S;
            const float xv = ones ? 1.0f : x.value(r, idx[a]);
#pragma GCC unroll 8
            for (int i = 0; i < V; ++i) {
                const v8 t = ones ? gv.a[i] : xv * gv.a[i];
                Acc<V>::st(d + 8 * i, Acc<V>::ld(d + 8 * i) + t);
            }
        }
    }
}

struct ScatterScratch {
    std::vector<int> idx;  // one row's nonzeros
};
thread_local ScatterScratch t_scatter;

template <typename X_T>
SG_CPU_CLONES int scatter_rows(int64_t cb, int64_t r0, int64_t r1, int inputs, int outputs, const sg::RowsOf<X_T> x,
                               const float* g, float* dwp) {
    if (!room(t_scatter.idx, (size_t)inputs + kSlack)) return SG_ERR_ALLOC;
    int* idx = t_scatter.idx.data();
    dispatch_vectors(vectors_for(grad_width(outputs, cb)), [&]<int V>() __attribute__((always_inline)) {
        scatter_rows_v<V>(cb, r0, r1, outputs, x, g, dwp, idx);
    });
    return SG_OK;
}

/* dwp = beta * dw[:, column block] (packed with stride). */
inline void start_block(float* dwp, int stride, const float* dw, float beta, int inputs, int outputs, int n0, int width) {
    if (beta == 0.0f) {
        std::memset(dwp, 0, sizeof(float) * (size_t)inputs * stride);
        return;
    }
    if (width < stride) std::memset(dwp, 0, sizeof(float) * (size_t)inputs * stride);
    pack_columns(dwp, stride, dw, outputs, inputs, n0, width);
    if (beta != 1.0f)
        for (size_t k = 0; k < (size_t)inputs * stride; ++k) dwp[k] *= beta;
}

/* Row groups of the weight gradient: a layer with few column blocks (a readout of 20) would
 * leave threads idle, so its rows are split into a fixed number of groups (a function of the
 * shape only, never of the thread count) that sum separately and are added in group order. */
inline int64_t row_groups(int64_t row_blocks, int64_t col_blocks) {
    if (col_blocks >= 8) return 1;
    const int64_t g = 8 / col_blocks;
    return g < row_blocks ? g : row_blocks;
}

template <typename X_T>
int weight_grad(int rows, int inputs, int outputs, const sg::RowsOf<X_T> x, const float* g, float beta, float* dw) {
    const int64_t nb = (rows + kGradRows - 1) / kGradRows;
    const int64_t blocks = (outputs + kCols - 1) / kCols, groups = row_groups(nb, blocks);
    // a block's packed stride: kCols, or fewer for a narrow layer (one block of 20: 24)
    const int stride = 8 * vectors_for(grad_width(outputs, 0));
    const size_t block_floats = (size_t)inputs * stride;
    // one column block only: with more, each block would list the rows again
    const bool scatter = blocks == 1 && block_floats * sizeof(float) <= kScatterBytes;
    std::vector<BlockIndex> index(scatter ? 0 : nb);
    std::vector<int> status(sg::parts_for(nb > blocks * groups ? nb : blocks * groups), SG_OK);
    if (!scatter) {
        std::vector<IndexScratch>& scratch = t_index;
        try {
            if (scratch.size() < (size_t)sg::parts_for(nb)) scratch.resize(sg::parts_for(nb));
        } catch (...) {
            return SG_ERR_ALLOC;
        }
        sg::parallel_for(nb, [&](int part, int64_t b0, int64_t b1) {
            status[part] = index_blocks(scratch[part], b0, b1, rows, inputs, x, index.data());
        });
        for (int st : status)
            if (st != SG_OK) return st;
    }
    // rows [kGradRows * b0, kGradRows * b1) of the products, in increasing order, into dwp
    auto accumulate = [&](int64_t cb, int64_t b0, int64_t b1, float* dwp, float* gp) -> int {
        if (!scatter) {
            accumulate_rows(cb, b0, b1, rows, inputs, outputs, g, index, dwp, gp);
            return SG_OK;
        }
        const int64_t r1 = b1 * kGradRows < rows ? b1 * kGradRows : rows;
        return scatter_rows(cb, b0 * kGradRows, r1, inputs, outputs, x, g, dwp);
    };
    float* partial = nullptr;  // [blocks][groups][K][stride] when groups > 1
    if (groups > 1) {
        partial = sg::workspace<float>(sg::kWsGradPartials, (size_t)blocks * groups * block_floats);
        if (!partial) return SG_ERR_ALLOC;
    }
    sg::parallel_for(blocks * groups, [&](int part, int64_t i0, int64_t i1) {
        GradScratch& s = t_grad;
        if (!room(s.dw, block_floats) || !room(s.g, (size_t)kGradRows * stride)) {
            status[part] = SG_ERR_ALLOC;
            return;
        }
        for (int64_t item = i0; item < i1; ++item) {
            const int64_t cb = item / groups, grp = item % groups;
            const int n0 = (int)cb * kCols, width = grad_width(outputs, cb);
            const int bs = 8 * vectors_for(width);  // this block's stride (the last may be narrower)
            if (groups == 1) {
                start_block(s.dw.data(), bs, dw, beta, inputs, outputs, n0, width);
                if (int st = accumulate(cb, 0, nb, s.dw.data(), s.g.data()); st != SG_OK) {
                    status[part] = st;
                    return;
                }
                unpack_columns(dw, s.dw.data(), bs, outputs, inputs, n0, width);
            } else {
                float* p = partial + (size_t)item * block_floats;
                std::memset(p, 0, sizeof(float) * block_floats);
                if (int st = accumulate(cb, nb * grp / groups, nb * (grp + 1) / groups, p, s.g.data()); st != SG_OK) {
                    status[part] = st;
                    return;
                }
            }
        }
    });
    for (int st : status)
        if (st != SG_OK) return st;
    if (groups > 1) {
        // dw = beta*dw + group 0 + group 1 + ..., in that order, columns in parallel
        sg::parallel_for(blocks, [&](int, int64_t c0, int64_t c1) {
            for (int64_t cb = c0; cb < c1; ++cb) {
                const int n0 = (int)cb * kCols, width = grad_width(outputs, cb);
                const int bs = 8 * vectors_for(width);
                for (int j = 0; j < inputs; ++j) {
                    float* __restrict d = dw + (size_t)j * outputs + n0;
                    if (beta == 0.0f)
                        for (int c = 0; c < width; ++c) d[c] = 0.0f;
                    else
                        for (int c = 0; c < width; ++c) d[c] = beta * d[c];
                    for (int64_t grp = 0; grp < groups; ++grp) {  // vectorises over c
                        const float* __restrict p = partial + ((size_t)cb * groups + grp) * block_floats + (size_t)j * bs;
                        for (int c = 0; c < width; ++c) d[c] += p[c];
                    }
                }
            }
        });
    }
    return SG_OK;
}

/* Set bits of n words, 64 at a time. */
SG_POPCNT_CLONES long long count_bits(const uint32_t* w, long long n) {
    long long c = 0, k = 0;
    for (; k + 2 <= n; k += 2) {
        uint64_t pair;
        std::memcpy(&pair, w + k, sizeof pair);
        c += __builtin_popcountll(pair);
    }
    for (; k < n; ++k) c += __builtin_popcount(w[k]);
    return c;
}

template <typename X_T>
long long count_nonzero(const X_T* p, long long n) {
    long long c = 0;
    for (long long k = 0; k < n; ++k) c += p[k] != 0;  // vectorises
    return c;
}

}  // namespace

SG_API int sg_spike_matmul(int rows, int inputs, int outputs, const void* x, int x_dtype,
                           const float* w, float beta, float* out) {
    if (rows < 1 || inputs < 1 || outputs < 1) return SG_ERR_BAD_SHAPE;
    if (sg::any_null(x, w, out)) return SG_ERR_NULL_POINTER;
    switch (x_dtype) {
    case SG_F32: return spike_matmul(rows, inputs, outputs, sg::RowsOf<float>{static_cast<const float*>(x), inputs}, w, beta, out);
    case SG_U8: return spike_matmul(rows, inputs, outputs, sg::RowsOf<uint8_t>{static_cast<const uint8_t*>(x), inputs}, w, beta, out);
    case SG_BIT: return spike_matmul(rows, inputs, outputs, sg::RowsOf<sg::Bits>{static_cast<const uint32_t*>(x), inputs}, w, beta, out);
    default: return SG_ERR_BAD_ENUM;
    }
}

SG_API int sg_spike_matmul_weight_grad(int rows, int inputs, int outputs, const void* x, int x_dtype,
                                       const float* g, float beta, float* dw) {
    if (rows < 1 || inputs < 1 || outputs < 1) return SG_ERR_BAD_SHAPE;
    if (sg::any_null(x, g, dw)) return SG_ERR_NULL_POINTER;
    switch (x_dtype) {
    case SG_F32: return weight_grad(rows, inputs, outputs, sg::RowsOf<float>{static_cast<const float*>(x), inputs}, g, beta, dw);
    case SG_U8: return weight_grad(rows, inputs, outputs, sg::RowsOf<uint8_t>{static_cast<const uint8_t*>(x), inputs}, g, beta, dw);
    case SG_BIT: return weight_grad(rows, inputs, outputs, sg::RowsOf<sg::Bits>{static_cast<const uint32_t*>(x), inputs}, g, beta, dw);
    default: return SG_ERR_BAD_ENUM;
    }
}

SG_API long long sg_count_nonzero(const void* p, int dtype, long long n) {
    if (!p || n <= 0) return 0;
    switch (dtype) {
    case SG_F32: return count_nonzero(static_cast<const float*>(p), n);
    case SG_U8: return count_nonzero(static_cast<const uint8_t*>(p), n);
    case SG_BIT: return count_bits(static_cast<const uint32_t*>(p), n);  // n words; a row's unused high bits are zero
    default: return -1;
    }
}

SG_API double sg_sum(const void* p, int dtype, long long n) {
    if (!p || n <= 0) return 0.0;
    double s = 0.0;
    if (dtype == SG_F32) {
        const float* f = static_cast<const float*>(p);
        for (long long k = 0; k < n; ++k) s += f[k];
    } else if (dtype == SG_U8) {
        const uint8_t* b = static_cast<const uint8_t*>(p);
        long long c = 0;  // exact in integers, then one conversion
        for (long long k = 0; k < n; ++k) c += b[k];
        s = (double)c;
    } else if (dtype == SG_BIT) {
        s = (double)sg_count_nonzero(p, dtype, n);
    } else {
        return __builtin_nan("");
    }
    return s;
}
