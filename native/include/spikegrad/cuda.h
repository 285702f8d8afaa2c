/* spikegrad C API: CUDA device queries, memory and kernels (library spikegrad_cuda).
 * Built from the .cu files of kernels-cuda/ when nvcc is found, otherwise from
 * kernels-cuda/cuda_stub.cpp, which answers SG_ERR_NO_CUDA everywhere, so the
 * Java layer always links and reports why CUDA is unavailable.
 *
 * Kernels: the functions of lif.h and spike_matmul.h with the suffix _cuda, the same
 * arguments (shapes, layouts, overwrite rules: see those headers) preceded by a context, and
 * device pointers for every buffer. One exception: no output may overlap an input (lif.h lets
 * the cpu LIF kernels write i_save over x and grad_x over i_save; these kernels were not
 * audited for it, and the Java layer never asks them to). They are asynchronous on the context's stream: a result
 * is ready once sg_cuda_synchronize (or a copy, which synchronises) returns. Per-thread
 * bodies and launch sequences: native/include/spikegrad/cuda/. Every call returns an
 * sg_status; on SG_ERR_CUDA, sg_cuda_last_error() names the CUDA call that failed and why. */
#ifndef SPIKEGRAD_CUDA_H
#define SPIKEGRAD_CUDA_H

#include <stddef.h>

#include "diffsyn.h"
#include "eventprop.h"
#include "lif_math.h"
#include "sg_defs.h"

/* Writes the number of usable CUDA devices to *count (0 when the driver is
 * missing). Returns SG_ERR_NO_CUDA in a build without CUDA. */
SG_API int sg_cuda_device_count(int* count);

/* 1 when this library was compiled with nvcc, 0 for the stub. */
SG_API int sg_cuda_compiled(void);

/* A short text about the last failure on this thread: the device query's (driver missing,
 * no device, stub build) or the failed CUDA call's ("cudaMalloc(4096 bytes): out of
 * memory"); never NULL. */
SG_API const char* sg_cuda_last_error(void);

/* ---- context: one device, one stream, one growing scratch buffer ---- */

typedef struct sg_cuda_context sg_cuda_context;

/* Selects device `device`, creates a non-blocking stream and an empty scratch buffer. */
SG_API int sg_cuda_context_create(int device, sg_cuda_context** out);

/* Synchronises, frees the scratch and the stream. NULL is ignored. */
SG_API int sg_cuda_context_destroy(sg_cuda_context* ctx);

/* The context's cudaStream_t (for cublasSetStream). */
SG_API void* sg_cuda_context_stream(sg_cuda_context* ctx);

/* Waits until every kernel and copy queued on the context's stream has finished. */
SG_API int sg_cuda_synchronize(sg_cuda_context* ctx);

/* cudaMalloc (no managed memory) of `bytes` > 0, zero-filled before it returns. */
SG_API int sg_cuda_malloc(sg_cuda_context* ctx, void** out, size_t bytes);

/* Frees a block from sg_cuda_malloc after the stream has drained. NULL is ignored. */
SG_API int sg_cuda_free(sg_cuda_context* ctx, void* p);

/* Copies between host and device on the context's stream and waits for it:
 * kind 0 host to device, 1 device to host, 2 device to device. */
SG_API int sg_cuda_copy(sg_cuda_context* ctx, void* dst, const void* src, size_t bytes, int kind);

/* ---- kernels (see lif.h and spike_matmul.h for every argument) ---- */

SG_API int sg_lif_forward_cuda(sg_cuda_context* ctx, const sg_lif_config* cfg, const float* x, const float* w_rec,
                               const float* alpha, const float* beta, const float* theta,
                               const float* i0, const float* v0,
                               void* s, float* i_save, float* u_out, float* v_last);

SG_API int sg_lif_backward_cuda(sg_cuda_context* ctx, const sg_lif_config* cfg, const float* w_rec,
                                const float* alpha, const float* beta, const float* theta,
                                const float* i0, const float* v0, const float* i_save,
                                const float* grad_s, const float* grad_u,
                                float* grad_x, float* grad_i0, float* grad_v0,
                                float* grad_alpha, float* grad_beta, float* grad_theta);

SG_API int sg_li_forward_cuda(sg_cuda_context* ctx, int steps, int batch, int neurons, const float* x,
                              const float* alpha, const float* beta,
                              const float* i0, const float* u0, float* u_out, float* i_save);

SG_API int sg_li_backward_cuda(sg_cuda_context* ctx, int steps, int batch, int neurons,
                               const float* alpha, const float* beta,
                               const float* i0, const float* u0,
                               const float* u_out, const float* i_save, const float* grad_u,
                               float* grad_x, float* grad_i0, float* grad_u0,
                               float* grad_alpha, float* grad_beta);

SG_API int sg_spike_matmul_cuda(sg_cuda_context* ctx, int rows, int inputs, int outputs, const void* x, int x_dtype,
                                const float* w, float beta, float* out);

SG_API int sg_spike_matmul_weight_grad_cuda(sg_cuda_context* ctx, int rows, int inputs, int outputs, const void* x,
                                            int x_dtype, const float* g, float beta, float* dw);

/* lif.h's sg_lif_surrogate_mask (mask [T][B][N] uint8 on the device; *count, which may be
 * NULL, is a host pointer: the call synchronises) and masked_matmul.h's sg_masked_matmul. */
SG_API int sg_lif_surrogate_mask_cuda(sg_cuda_context* ctx, const sg_lif_config* cfg, const float* beta,
                                      const float* theta, const float* v0, const float* i_save,
                                      unsigned char* mask, long long* count);

SG_API int sg_masked_matmul_cuda(sg_cuda_context* ctx, int rows, int inner, int cols, const float* a,
                                 const float* b, const unsigned char* mask, float* out);

/* Exact EventProp on the GPU (cuda/eventprop_kernels.h: event-driven, not time-stepped; one
 * block per sample, the neurons of a feed-forward layer or readout in parallel, a recurrent layer
 * by one thread). Arguments, scope and status codes: sg_eventprop_batch of eventprop.h (LIF
 * layers, optionally recurrent, an optional LI readout, all five losses, the per-sample limit),
 * without the spike trace (trace_capacity must be 0; trace_times / trace_neurons are absent);
 * cfg is a host pointer, every buffer a device pointer, loss_out, clamped and sample_clipped
 * included; at most 16 layers. Results: those of sg_eventprop_batch to rounding (the per-sample
 * norm sums in another order). */
SG_API int sg_eventprop_batch_cuda(sg_cuda_context* ctx, const sg_eventprop_config* cfg, const int* sizes, const int* recurrent,
                                   const double* weights, const double* rec_weights,
                                   const double* tau_mem, const double* tau_syn, const double* theta,
                                   const double* in_times, const int* in_channels, const int* in_offsets,
                                   const int* labels,
                                   double* loss_out, int* predictions, double* out_values, int* out_counts,
                                   int* spike_totals, int* layer_silent, long long* stored_bytes,
                                   double* grad_weights, double* grad_rec, double* grad_theta,
                                   long long* clamped, long long* sample_clipped);

/* The differentiable synapse (Huh & Sejnowski 2018) on the GPU (cuda/diffsyn_kernels.h: one
 * block per sample, one thread per neuron, a barrier per phase of a time step). Arguments, checks
 * and status codes: sg_diffsyn_forward / sg_diffsyn_forward_backward of diffsyn.h; cfg is a host
 * pointer, every buffer a device pointer, loss and diag included. Results: those of the CPU kernel
 * with the same order of additions (bit for bit in the emulation; on the device up to its libm). */
SG_API int sg_diffsyn_forward_cuda(sg_cuda_context* ctx, const sg_diffsyn_config* cfg,
                                   const double* w_fast, const double* w_slow, const double* u,
                                   const double* i0, const double* o,
                                   const double* x, const double* target, const double* weight, const double* v0,
                                   double* loss, double* readout, signed char* spikes, int* spike_counts,
                                   double* diag);

SG_API int sg_diffsyn_forward_backward_cuda(sg_cuda_context* ctx, const sg_diffsyn_config* cfg,
                                            const double* w_fast, const double* w_slow, const double* u,
                                            const double* i0, const double* o,
                                            const double* x, const double* target, const double* weight,
                                            const double* v0,
                                            double* loss, double* readout, signed char* spikes, int* spike_counts,
                                            double* g_w_fast, double* g_w_slow, double* g_u, double* g_i0,
                                            double* g_o, double* g_v0, double* diag);

/* Reductions over n elements of type dtype on the device (synchronous: the result is on the
 * host when it returns). kind 0: number of nonzero values, 1: sum (in double),
 * 2: number of NaN or infinite values. */
SG_API int sg_reduce_cuda(sg_cuda_context* ctx, const void* p, int dtype, long long n, int kind, double* result);

#endif
