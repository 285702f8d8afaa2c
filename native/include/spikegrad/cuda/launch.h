/* spikegrad CUDA: the launch sequence of every kernel, written once for two executors.
 *
 * Each sg_run_* function validates its arguments like the CPU kernel does, carves its scratch
 * and launches its kernels in order through an executor E:
 *
 *   E::plain(name, grid, body)            body(sg_thread) for every thread of the grid
 *   E::stepped(name, grid, steps, body)   body(sg_thread, s) for s in [0, steps), block barrier between
 *   E::scratch(bytes, &ptr, slot)         scratch buffer `slot` (0 or 1), valid until the next
 *                                         request of the same slot; contents undefined
 *   E::to_host(dst, src, bytes)           a synchronous copy into host memory
 *   E::to_device(dst, src, bytes)         a synchronous copy from host memory
 *
 * kernels-cuda/device_exec.cuh launches real kernels on the context's stream;
 * kernels-cuda/emulation.cpp runs the same bodies over the same grids on the CPU. So the
 * emulation tests cover grids, index arithmetic, masking, scratch layout and the order of the
 * launches, not just the per-neuron math. Host-only code (not compiled for the device). */
#ifndef SPIKEGRAD_CUDA_LAUNCH_H
#define SPIKEGRAD_CUDA_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "lif_kernels.h"
#include "spike_matmul_kernels.h"

/* ---- the bodies as functors (what a __global__ template can take by value) ---- */

template <typename S_T>
struct sg_k_lif_forward {
    sg_lif_fwd_params p;
    SG_HDM void operator()(sg_thread th) const { sg_lif_forward_thread<S_T>(p, th); }
};
template <typename S_T>
struct sg_k_lif_forward_rec {
    sg_lif_fwd_params p;
    SG_HDM void operator()(sg_thread th, int t) const { sg_lif_forward_rec_step<S_T>(p, th, t); }
};
struct sg_k_lif_backward {
    sg_lif_bwd_params p;
    SG_HDM void operator()(sg_thread th) const { sg_lif_backward_thread(p, th); }
};
struct sg_k_lif_checkpoints {
    sg_lif_bwd_params p;
    SG_HDM void operator()(sg_thread th) const { sg_lif_checkpoints_thread(p, th); }
};
struct sg_k_lif_backward_rec {
    sg_lif_bwd_params p;
    SG_HDM void operator()(sg_thread th, int s) const { sg_lif_backward_rec_step(p, th, s); }
};
struct sg_k_lif_backward_rec_finish {
    sg_lif_bwd_params p;
    SG_HDM void operator()(sg_thread th) const { sg_lif_backward_rec_finish_thread(p, th); }
};
struct sg_k_transpose {
    const float* w;
    float* w_t;
    int n;
    SG_HDM void operator()(sg_thread th) const { sg_transpose_thread(w, w_t, n, th); }
};
struct sg_k_batch_sum {
    const float* part;
    int batch, neurons;
    float* out;
    SG_HDM void operator()(sg_thread th) const { sg_batch_sum_thread(part, batch, neurons, out, th); }
};
struct sg_k_lif_mask {
    sg_lif_mask_params p;
    SG_HDM void operator()(sg_thread th) const { sg_lif_surrogate_mask_thread(p, th); }
};
struct sg_k_masked_matmul {
    sg_masked_params p;
    SG_HDM void operator()(sg_thread th) const { sg_masked_matmul_thread(p, th); }
};
struct sg_k_li_forward {
    sg_li_params p;
    SG_HDM void operator()(sg_thread th) const { sg_li_forward_thread(p, th); }
};
struct sg_k_li_backward {
    sg_li_params p;
    SG_HDM void operator()(sg_thread th) const { sg_li_backward_thread(p, th); }
};
template <typename X_T>
struct sg_k_spmm_list_rows {
    sg_spmm_params p;
    SG_HDM void operator()(sg_thread th) const { sg_spmm_list_rows_thread<X_T>(p, th); }
};
template <typename X_T>
struct sg_k_spmm_forward {
    sg_spmm_params p;
    SG_HDM void operator()(sg_thread th) const { sg_spmm_forward_thread<X_T>(p, th); }
};
template <typename X_T>
struct sg_k_spmm_list_columns {
    sg_spmm_params p;
    SG_HDM void operator()(sg_thread th) const { sg_spmm_list_columns_thread<X_T>(p, th); }
};
template <typename X_T>
struct sg_k_spmm_weight_grad {
    sg_spmm_params p;
    SG_HDM void operator()(sg_thread th) const { sg_spmm_weight_grad_thread<X_T>(p, th); }
};
struct sg_k_reduce_blocks {
    const double* partial;
    int blocks, per;
    double* out;
    SG_HDM void operator()(sg_thread th) const { sg_reduce_blocks_thread(partial, blocks, per, out, th); }
};
template <typename X_T>
struct sg_k_reduce {
    const void* data;
    int64_t n;
    int kind;
    double* partial;
    SG_HDM void operator()(sg_thread th) const { sg_reduce_thread<X_T>(data, n, kind, partial, th); }
};

/* ---- validation (the CPU kernels' rules, kernels-cpu/cpu_common.h) ---- */

static inline int sg_cuda_check_shape(int steps, int batch, int neurons) {
    if (steps < 1 || batch < 1 || neurons < 1) return SG_ERR_BAD_SHAPE;
    if ((int64_t)steps * batch * neurons > (int64_t)1 << 40) return SG_ERR_BAD_SHAPE;
    if (sg_grid_for((int64_t)batch * neurons).blocks == 0) return SG_ERR_BAD_SHAPE;
    return SG_OK;
}

static inline int sg_cuda_check_config(const sg_lif_config* c) {
    if (!c) return SG_ERR_NULL_POINTER;
    int st = sg_cuda_check_shape(c->steps, c->batch, c->neurons);
    if (st != SG_OK) return st;
    if (c->reset < SG_RESET_SUBTRACT || c->reset > SG_RESET_NONE) return SG_ERR_BAD_ENUM;
    if (c->surrogate < 0 || c->surrogate >= SG_SURR_COUNT) return SG_ERR_BAD_ENUM;
    if (!(c->scale > 0.0f) || !(c->gain > 0.0f)) return SG_ERR_BAD_PARAM;
    if (c->smooth && c->surrogate == SG_SURR_STRAIGHT_THROUGH) return SG_ERR_BAD_PARAM;
    if (c->spike_dtype != SG_F32 && c->spike_dtype != SG_U8) return SG_ERR_BAD_ENUM;
    if (c->smooth && c->spike_dtype != SG_F32) return SG_ERR_BAD_PARAM;
    if (!(c->grad_cutoff >= 0.0f)) return SG_ERR_BAD_PARAM;
    return SG_OK;
}

/* Splits one scratch region into consecutive 256-byte aligned pieces. */
struct sg_carve {
    size_t used = 0;
    char* base = nullptr;
    size_t take(size_t bytes) {
        size_t at = used;
        used += (bytes + 255) / 256 * 256;
        return at;
    }
    template <typename T>
    T* at(size_t offset) const { return (T*)(base + offset); }
};

#define SG_TRY(call)                      \
    do {                                  \
        int sg_st_ = (call);              \
        if (sg_st_ != SG_OK) return sg_st_; \
    } while (0)

/* ---- LIF ---- */

template <class E>
int sg_run_lif_forward(E& ex, const sg_lif_config* cfg, const float* x, const float* w_rec,
                       const float* alpha, const float* beta, const float* theta,
                       const float* i0, const float* v0, void* s, float* i_save, float* u_out, float* v_last) {
    SG_TRY(sg_cuda_check_config(cfg));
    if (!x || !alpha || !beta || !theta || !i0 || !v0 || !s || !i_save) return SG_ERR_NULL_POINTER;
    sg_lif_fwd_params p = {*cfg, x, w_rec, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last, nullptr};
    const int64_t BN = (int64_t)cfg->batch * cfg->neurons;
    const bool u8 = cfg->spike_dtype == SG_U8;
    if (!w_rec) {
        if (u8) return ex.plain("lif_forward", sg_grid_for(BN), sg_k_lif_forward<uint8_t>{p});
        return ex.plain("lif_forward", sg_grid_for(BN), sg_k_lif_forward<float>{p});
    }
    void* mem = nullptr;
    SG_TRY(ex.scratch(sizeof(float) * BN, &mem));
    p.v_state = (float*)mem;
    const sg_grid g = sg_grid_per_sample(cfg->batch, cfg->neurons);
    if (u8) return ex.stepped("lif_forward_recurrent", g, cfg->steps, sg_k_lif_forward_rec<uint8_t>{p});
    return ex.stepped("lif_forward_recurrent", g, cfg->steps, sg_k_lif_forward_rec<float>{p});
}

template <class E>
int sg_run_lif_backward(E& ex, const sg_lif_config* cfg, const float* w_rec,
                        const float* alpha, const float* beta, const float* theta,
                        const float* i0, const float* v0, const float* i_save,
                        const float* grad_s, const float* grad_u,
                        float* grad_x, float* grad_i0, float* grad_v0,
                        float* grad_alpha, float* grad_beta, float* grad_theta) {
    SG_TRY(sg_cuda_check_config(cfg));
    // the three parameter gradients come together or not at all (lif.h); when not wanted the
    // kernels still form the per-sample partials, only their batch sums are skipped
    const bool params = grad_alpha || grad_beta || grad_theta;
    if (!alpha || !beta || !theta || !i0 || !v0 || !i_save || !grad_s || !grad_x || !grad_i0 || !grad_v0 ||
        (params && (!grad_alpha || !grad_beta || !grad_theta)))
        return SG_ERR_NULL_POINTER;
    const int T = cfg->steps, B = cfg->batch, N = cfg->neurons;
    const int64_t BN = (int64_t)B * N;
    const int K = SG_LIF_SEGMENT < T ? SG_LIF_SEGMENT : T;
    sg_carve cv;
    const size_t o_ck = cv.take(sizeof(float) * BN * sg_lif_segments(T));
    const size_t o_part = cv.take(sizeof(float) * BN * 3);
    size_t o_wt = 0, o_useg = 0, o_state = 0;
    if (w_rec) {
        if (sg_grid_for((int64_t)N * N).blocks == 0) return SG_ERR_BAD_SHAPE;
        o_wt = cv.take(sizeof(float) * (size_t)N * N);
        o_useg = cv.take(sizeof(float) * BN * K);
        o_state = cv.take(sizeof(float) * BN * 5);
    }
    void* mem = nullptr;
    SG_TRY(ex.scratch(cv.used, &mem));
    cv.base = (char*)mem;
    sg_lif_bwd_params p = {*cfg, w_rec, alpha, beta, theta, i0, v0, i_save, grad_s, grad_u,
                           grad_x, grad_i0, grad_v0,
                           cv.at<float>(o_ck), cv.at<float>(o_part), nullptr, nullptr, nullptr};
    const sg_grid per_neuron = sg_grid_for(BN);
    if (!w_rec) {
        SG_TRY(ex.plain("lif_backward", per_neuron, sg_k_lif_backward{p}));
    } else {
        p.w_t = cv.at<float>(o_wt);
        p.useg = cv.at<float>(o_useg);
        p.state = cv.at<float>(o_state);
        SG_TRY(ex.plain("lif_backward_transpose", sg_grid_for((int64_t)N * N), sg_k_transpose{w_rec, p.w_t, N}));
        SG_TRY(ex.plain("lif_backward_checkpoints", per_neuron, sg_k_lif_checkpoints{p}));
        SG_TRY(ex.stepped("lif_backward_recurrent", sg_grid_per_sample(B, N), T, sg_k_lif_backward_rec{p}));
        SG_TRY(ex.plain("lif_backward_finish", per_neuron, sg_k_lif_backward_rec_finish{p}));
    }
    if (!params) return SG_OK;
    const sg_grid per_n = sg_grid_for(N);
    SG_TRY(ex.plain("batch_sum", per_n, sg_k_batch_sum{p.part, B, N, grad_alpha}));
    SG_TRY(ex.plain("batch_sum", per_n, sg_k_batch_sum{p.part + BN, B, N, grad_beta}));
    return ex.plain("batch_sum", per_n, sg_k_batch_sum{p.part + 2 * BN, B, N, grad_theta});
}

/* ---- LI ---- */

template <class E>
int sg_run_li_forward(E& ex, int steps, int batch, int neurons, const float* x, const float* alpha,
                      const float* beta, const float* i0, const float* u0, float* u_out, float* i_save) {
    SG_TRY(sg_cuda_check_shape(steps, batch, neurons));
    if (!x || !alpha || !beta || !i0 || !u0 || !u_out || !i_save) return SG_ERR_NULL_POINTER;
    sg_li_params p = {steps, batch, neurons, x, alpha, beta, i0, u0, nullptr, nullptr, nullptr,
                      u_out, i_save, nullptr, nullptr, nullptr, nullptr};
    return ex.plain("li_forward", sg_grid_for((int64_t)batch * neurons), sg_k_li_forward{p});
}

template <class E>
int sg_run_li_backward(E& ex, int steps, int batch, int neurons, const float* alpha, const float* beta,
                       const float* i0, const float* u0, const float* u_out, const float* i_save,
                       const float* grad_u, float* grad_x, float* grad_i0, float* grad_u0,
                       float* grad_alpha, float* grad_beta) {
    SG_TRY(sg_cuda_check_shape(steps, batch, neurons));
    if (!alpha || !beta || !i0 || !u0 || !u_out || !i_save || !grad_u || !grad_x || !grad_i0 || !grad_u0 ||
        !grad_alpha || !grad_beta)
        return SG_ERR_NULL_POINTER;
    const int64_t BN = (int64_t)batch * neurons;
    void* mem = nullptr;
    SG_TRY(ex.scratch(sizeof(float) * BN * 2, &mem));
    sg_li_params p = {steps, batch, neurons, nullptr, alpha, beta, i0, u0, u_out, i_save, grad_u,
                      nullptr, nullptr, grad_x, grad_i0, grad_u0, (float*)mem};
    SG_TRY(ex.plain("li_backward", sg_grid_for(BN), sg_k_li_backward{p}));
    const sg_grid per_n = sg_grid_for(neurons);
    SG_TRY(ex.plain("batch_sum", per_n, sg_k_batch_sum{p.part, batch, neurons, grad_alpha}));
    return ex.plain("batch_sum", per_n, sg_k_batch_sum{p.part + BN, batch, neurons, grad_beta});
}

/* ---- spike-sparse products ---- */

static inline int sg_cuda_check_spmm(int rows, int inputs, int outputs, const void* x, int x_dtype,
                                     const float* w, const float* out) {
    if (rows < 1 || inputs < 1 || outputs < 1) return SG_ERR_BAD_SHAPE;
    if (!x || !w || !out) return SG_ERR_NULL_POINTER;
    if (x_dtype != SG_F32 && x_dtype != SG_U8) return SG_ERR_BAD_ENUM;
    if ((int64_t)rows * inputs > INT32_MAX || sg_grid_for((int64_t)rows * outputs).blocks == 0 ||
        sg_grid_for((int64_t)inputs * outputs).blocks == 0)
        return SG_ERR_BAD_SHAPE;
    return SG_OK;
}

template <class E>
int sg_run_spike_matmul(E& ex, int rows, int inputs, int outputs, const void* x, int x_dtype,
                        const float* w, float beta, float* out) {
    SG_TRY(sg_cuda_check_spmm(rows, inputs, outputs, x, x_dtype, w, out));
    sg_carve cv;
    const size_t o_list = cv.take(sizeof(int) * (size_t)rows * inputs), o_count = cv.take(sizeof(int) * (size_t)rows);
    void* mem = nullptr;
    SG_TRY(ex.scratch(cv.used, &mem));
    cv.base = (char*)mem;
    sg_spmm_params p = {rows, inputs, outputs, x, w, beta, out, cv.at<int>(o_list), cv.at<int>(o_count)};
    const sg_grid g1 = sg_grid_for(rows), g2 = sg_grid_for((int64_t)rows * outputs);
    if (x_dtype == SG_U8) {
        SG_TRY(ex.plain("spike_matmul_list", g1, sg_k_spmm_list_rows<uint8_t>{p}));
        return ex.plain("spike_matmul", g2, sg_k_spmm_forward<uint8_t>{p});
    }
    SG_TRY(ex.plain("spike_matmul_list", g1, sg_k_spmm_list_rows<float>{p}));
    return ex.plain("spike_matmul", g2, sg_k_spmm_forward<float>{p});
}

template <class E>
int sg_run_spike_matmul_weight_grad(E& ex, int rows, int inputs, int outputs, const void* x, int x_dtype,
                                    const float* g, float beta, float* dw) {
    SG_TRY(sg_cuda_check_spmm(rows, inputs, outputs, x, x_dtype, g, dw));
    sg_carve cv;
    const size_t o_list = cv.take(sizeof(int) * (size_t)rows * inputs), o_count = cv.take(sizeof(int) * (size_t)inputs);
    void* mem = nullptr;
    SG_TRY(ex.scratch(cv.used, &mem));
    cv.base = (char*)mem;
    sg_spmm_params p = {rows, inputs, outputs, x, g, beta, dw, cv.at<int>(o_list), cv.at<int>(o_count)};
    const sg_grid g1 = sg_grid_for(inputs), g2 = sg_grid_for((int64_t)inputs * outputs);
    if (x_dtype == SG_U8) {
        SG_TRY(ex.plain("spike_matmul_weight_grad_list", g1, sg_k_spmm_list_columns<uint8_t>{p}));
        return ex.plain("spike_matmul_weight_grad", g2, sg_k_spmm_weight_grad<uint8_t>{p});
    }
    SG_TRY(ex.plain("spike_matmul_weight_grad_list", g1, sg_k_spmm_list_columns<float>{p}));
    return ex.plain("spike_matmul_weight_grad", g2, sg_k_spmm_weight_grad<float>{p});
}

/* ---- reductions: per-thread partials, per-block sums in order, the block sums in order ---- */

/* The reduction sequence on data of a known type; partials in scratch slot `slot`. */
template <typename X_T, class E>
int sg_run_reduce_typed(E& ex, const void* data, int64_t n, int kind, double* result, int slot) {
    const sg_grid g = sg_grid_reduce(n);
    const size_t count = (size_t)g.blocks * g.threads;
    void* mem = nullptr;
    SG_TRY(ex.scratch(sizeof(double) * (count + g.blocks), &mem, slot));
    double* partial = (double*)mem;
    double* block_sums = partial + count;
    SG_TRY(ex.plain("reduce", g, sg_k_reduce<X_T>{data, n, kind, partial}));
    const sg_grid one = {1, 64};  // at most 64 blocks to sum: one block of 64 threads
    SG_TRY(ex.plain("reduce_blocks", one, sg_k_reduce_blocks{partial, g.blocks, g.threads, block_sums}));
    double host[64];
    SG_TRY(ex.to_host(host, block_sums, sizeof(double) * g.blocks));
    double s = 0.0;
    for (int k = 0; k < g.blocks; ++k) s += host[k];
    *result = s;
    return SG_OK;
}

template <class E>
int sg_run_reduce(E& ex, const void* data, int dtype, int64_t n, int kind, double* result) {
    if (!result) return SG_ERR_NULL_POINTER;
    *result = 0.0;
    if (!data || n <= 0) return SG_OK;
    if (dtype == SG_U8) return sg_run_reduce_typed<uint8_t>(ex, data, n, kind, result, 0);
    if (dtype == SG_F32) return sg_run_reduce_typed<float>(ex, data, n, kind, result, 0);
    return SG_ERR_BAD_ENUM;
}

/* ---- the sparse backward's mask and masked product ---- */

template <class E>
int sg_run_lif_surrogate_mask(E& ex, const sg_lif_config* cfg, const float* beta, const float* theta,
                              const float* v0, const float* i_save, uint8_t* mask, long long* count) {
    SG_TRY(sg_cuda_check_config(cfg));
    if (!beta || !theta || !v0 || !i_save || !mask) return SG_ERR_NULL_POINTER;
    const int64_t BN = (int64_t)cfg->batch * cfg->neurons;
    void* mem = nullptr;
    SG_TRY(ex.scratch(sizeof(double) * BN, &mem, 1));
    sg_lif_mask_params p = {*cfg, beta, theta, v0, i_save, mask, (double*)mem};
    SG_TRY(ex.plain("lif_surrogate_mask", sg_grid_for(BN), sg_k_lif_mask{p}));
    double total = 0.0;
    SG_TRY(sg_run_reduce_typed<double>(ex, p.count, BN, SG_REDUCE_SUM, &total, 0));
    if (count) *count = (long long)total;
    return SG_OK;
}

template <class E>
int sg_run_masked_matmul(E& ex, int rows, int inner, int cols, const float* a, const float* b,
                         const uint8_t* mask, float* out) {
    if (rows < 1 || inner < 1 || cols < 1) return SG_ERR_BAD_SHAPE;
    if (!a || !b || !mask || !out) return SG_ERR_NULL_POINTER;
    const sg_grid g = sg_grid_for((int64_t)rows * cols);
    if (g.blocks == 0) return SG_ERR_BAD_SHAPE;
    sg_masked_params p = {rows, inner, cols, a, b, mask, out};
    return ex.plain("masked_matmul", g, sg_k_masked_matmul{p});
}

#endif
