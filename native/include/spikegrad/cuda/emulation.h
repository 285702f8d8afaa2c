/* spikegrad: the CUDA kernels run on the CPU (library spikegrad_cuda_emu, always built).
 *
 * Each sg_emu_* function runs the launch sequence of its _cuda twin (cuda/launch.h) with an
 * executor that calls every kernel body for every (block, thread) of the same grid, the
 * out-of-range threads of the last block included, and emulates a stepped kernel's barrier by
 * running step s of every thread of a block before step s+1 of any. Buffers are host memory.
 * Arguments as in lif.h / spike_matmul.h (and sg_reduce_cuda in cuda.h). Single-threaded:
 * this is for tests, not speed. */
#ifndef SPIKEGRAD_CUDA_EMULATION_H
#define SPIKEGRAD_CUDA_EMULATION_H

#include "../diffsyn.h"
#include "../eventprop.h"
#include "../lif_math.h"
#include "../sg_defs.h"

SG_API int sg_emu_lif_forward(const sg_lif_config* cfg, const float* x, const float* w_rec,
                              const float* alpha, const float* beta, const float* theta,
                              const float* i0, const float* v0,
                              void* s, float* i_save, float* u_out, float* v_last);

SG_API int sg_emu_lif_backward(const sg_lif_config* cfg, const float* w_rec,
                               const float* alpha, const float* beta, const float* theta,
                               const float* i0, const float* v0, const float* i_save,
                               const float* grad_s, const float* grad_u,
                               float* grad_x, float* grad_i0, float* grad_v0,
                               float* grad_alpha, float* grad_beta, float* grad_theta);

SG_API int sg_emu_lif_surrogate_mask(const sg_lif_config* cfg, const float* beta, const float* theta,
                                     const float* v0, const float* i_save, unsigned char* mask, long long* count);

SG_API int sg_emu_masked_matmul(int rows, int inner, int cols, const float* a, const float* b,
                                const unsigned char* mask, float* out);

SG_API int sg_emu_li_forward(int steps, int batch, int neurons, const float* x,
                             const float* alpha, const float* beta,
                             const float* i0, const float* u0, float* u_out, float* i_save);

SG_API int sg_emu_li_backward(int steps, int batch, int neurons,
                              const float* alpha, const float* beta,
                              const float* i0, const float* u0,
                              const float* u_out, const float* i_save, const float* grad_u,
                              float* grad_x, float* grad_i0, float* grad_u0,
                              float* grad_alpha, float* grad_beta);

SG_API int sg_emu_spike_matmul(int rows, int inputs, int outputs, const void* x, int x_dtype,
                               const float* w, float beta, float* out);

SG_API int sg_emu_spike_matmul_weight_grad(int rows, int inputs, int outputs, const void* x, int x_dtype,
                                           const float* g, float beta, float* dw);

SG_API int sg_emu_eventprop_batch(const sg_eventprop_config* cfg, const int* sizes, const int* recurrent,
                                   const double* weights, const double* rec_weights,
                                   const double* tau_mem, const double* tau_syn, const double* theta,
                                   const double* in_times, const int* in_channels, const int* in_offsets,
                                   const int* labels,
                                   double* loss_out, int* predictions, double* out_values, int* out_counts,
                                   int* spike_totals, int* layer_silent, long long* stored_bytes,
                                   double* grad_weights, double* grad_rec, double* grad_theta,
                                   long long* clamped, long long* sample_clipped);

SG_API int sg_emu_diffsyn_forward(const sg_diffsyn_config* cfg,
                                  const double* w_fast, const double* w_slow, const double* u,
                                  const double* i0, const double* o,
                                  const double* x, const double* target, const double* weight, const double* v0,
                                  double* loss, double* readout, signed char* spikes, int* spike_counts,
                                  double* diag);

SG_API int sg_emu_diffsyn_forward_backward(const sg_diffsyn_config* cfg,
                                           const double* w_fast, const double* w_slow, const double* u,
                                           const double* i0, const double* o,
                                           const double* x, const double* target, const double* weight,
                                           const double* v0,
                                           double* loss, double* readout, signed char* spikes, int* spike_counts,
                                           double* g_w_fast, double* g_w_slow, double* g_u, double* g_i0,
                                           double* g_o, double* g_v0, double* diag);

SG_API int sg_emu_reduce(const void* p, int dtype, long long n, int kind, double* result);

/* Threads the last emulated call on this thread ran (blocks x threads per launch, summed
 * over its launches): the tests check that ragged last blocks were really run. */
SG_API long long sg_emu_last_threads(void);

#endif
