/* spikegrad C API: LIF layer kernels (feed-forward and recurrent), CPU.
 * Math: lif_math.h. The CUDA twins (cuda.h) have the same arguments and the
 * suffix _cuda, and take device pointers.
 *
 * Shapes: T = cfg->steps, B = cfg->batch, N = cfg->neurons. Tensors are
 * time-major and contiguous: [T][B][N] means index (t*B + b)*N + n.
 * Per-neuron parameters [N]: alpha = exp(-dt/tau_syn), beta = exp(-dt/tau_mem),
 * theta = threshold. All buffers are float32; outputs are overwritten.
 * Every function returns an sg_status. */
#ifndef SPIKEGRAD_LIF_H
#define SPIKEGRAD_LIF_H

#include "lif_math.h"
#include "spike_matmul.h"
#include "masked_matmul.h"

/* Forward over all T steps.
 *   x       [T][B][N] input current X[t] = W x[t] (+ b), precomputed by one GEMM
 *   w_rec   [N][N] recurrent weights, w_rec[j*N + n] from neuron j to n, or NULL
 *           for a feed-forward layer; when given, I[t] also receives
 *           sum_j S[t-1][j] w_rec[j][n], with S[-1] = 0
 *   alpha, beta, theta  [N]
 *   i0, v0  [B][N] I[-1] and V[-1]
 *   s       out [T][B][N] S[t] (0/1; sigma(U-theta) in smooth mode), float or
 *           uint8_t as cfg->spike_dtype says
 *   i_save  out [T][B][N] I[t], the only state the backward needs; may be x (I[t] is then
 *           written over X[t]: each entry of X is read before its place is written)
 *   u_out   out [T][B][N] U[t] (before reset), or NULL
 *   v_last  out [B][N] V[T-1] (after reset), or NULL
 * No other output may overlap an input. */
SG_API int sg_lif_forward(const sg_lif_config* cfg, const float* x, const float* w_rec,
                          const float* alpha, const float* beta, const float* theta,
                          const float* i0, const float* v0,
                          void* s, float* i_save, float* u_out, float* v_last);

/* Surrogate backward over all T steps (reverse time). U and V are recomputed
 * from i_save with the forward's own arithmetic, so they match it bit for bit.
 *   w_rec, alpha, beta, theta, i0, v0   as given to the forward
 *   i_save      [T][B][N] from the forward
 *   grad_s      [T][B][N] dL/dS[t] from the layers above (required)
 *   grad_u      [T][B][N] dL/dU[t] from a membrane loss, or NULL
 *   grad_x      out [T][B][N] dL/dX[t]; may be i_save (dL/dX[t] is then written over I[t],
 *               which is read first); no other output may overlap an input
 *   grad_i0     out [B][N] dL/dI[-1]
 *   grad_v0     out [B][N] dL/dV[-1]
 *   grad_alpha, grad_beta, grad_theta   out [N], summed over the batch; or all three NULL
 *               when they are not wanted (no learnable tau or threshold; one or two NULL is
 *               SG_ERR_NULL_POINTER). The CPU kernel then skips their sums and the V history
 *               they read (shd-ff's backward 1.5-1.8 -> 0.8-1.4 ms on 2 threads), the CUDA
 *               one only the batch sums; every other output keeps its bits.
 * The recurrent weight gradient is a GEMM the caller does:
 *   dL/dw_rec[j][n] = sum_{t>=1, b} S[t-1][b][j] * grad_x[t][b][n]. */
SG_API int sg_lif_backward(const sg_lif_config* cfg, const float* w_rec,
                           const float* alpha, const float* beta, const float* theta,
                           const float* i0, const float* v0, const float* i_save,
                           const float* grad_s, const float* grad_u,
                           float* grad_x, float* grad_i0, float* grad_v0,
                           float* grad_alpha, float* grad_beta, float* grad_theta);

/* sg_lif_backward for a layer (feed-forward or recurrent) whose dL/dS is the next layer's
 * dL/dX times that layer's weights, as below a readout:
 *   grad_s[t][b][n] = sum_{k < k_next} g_next[t][b][k] * w_next[n][k],   1 <= k_next <= 64,
 * computed per group of neurons inside the backward instead of read from a [T][B][N] tensor
 * (its 4 B per neuron-step are neither written nor read). The sum runs over k in increasing
 * order exactly as sg_masked_matmul(mask NULL) does it, so the result has the bits of that
 * product followed by sg_lif_backward.
 *   g_next  [T][B][k_next] dL/dX of the next layer; w_next [N][k_next] its weights
 *   the other arguments as sg_lif_backward's. */
#define SG_LIF_PRODUCT_MAX_INNER 64
SG_API int sg_lif_backward_product(const sg_lif_config* cfg, const float* w_rec,
                                   const float* alpha, const float* beta, const float* theta,
                                   const float* i0, const float* v0, const float* i_save,
                                   const float* g_next, const float* w_next, int k_next, const float* grad_u,
                                   float* grad_x, float* grad_i0, float* grad_v0,
                                   float* grad_alpha, float* grad_beta, float* grad_theta);

/* Where the backward will use dL/dS: mask[t][b][n] = 1 when g*sigma'(U[t] - theta) is
 * nonzero (sg_grad_s_to_u: zero outside a compact surrogate's support or below
 * cfg->grad_cutoff), 0 elsewhere. U is recomputed from i_save with the forward's own
 * arithmetic, as the backward does.
 *   beta, theta [N]; v0 [B][N]; i_save [T][B][N] from the forward; mask out [T][B][N] uint8.
 * Returns the number of set entries in *count (may be NULL). */
SG_API int sg_lif_surrogate_mask(const sg_lif_config* cfg, const float* beta, const float* theta,
                                 const float* v0, const float* i_save, uint8_t* mask,
                                 long long* count);

/* Leaky-integrator readout forward (no spikes).
 *   x [T][B][N], alpha, beta [N], i0, u0 [B][N]
 *   u_out  out [T][B][N] readout membrane U[t]
 *   i_save out [T][B][N] I[t] */
SG_API int sg_li_forward(int steps, int batch, int neurons, const float* x,
                         const float* alpha, const float* beta,
                         const float* i0, const float* u0, float* u_out, float* i_save);

/* Leaky-integrator readout backward.
 *   u_out, i_save from the forward; grad_u [T][B][N] dL/dU[t] (required)
 *   grad_x out [T][B][N]; grad_i0, grad_u0 out [B][N];
 *   grad_alpha, grad_beta out [N], summed over the batch */
SG_API int sg_li_backward(int steps, int batch, int neurons,
                          const float* alpha, const float* beta,
                          const float* i0, const float* u0,
                          const float* u_out, const float* i_save, const float* grad_u,
                          float* grad_x, float* grad_i0, float* grad_u0,
                          float* grad_alpha, float* grad_beta);

/* Threads used by the CPU kernels (>= 1). The Java layer sets the same budget
 * for OpenBLAS and runs the two one after the other, never concurrently. */
SG_API int sg_set_num_threads(int n);
SG_API int sg_get_num_threads(void);

/* Number of NaN or infinite values among n floats (input validation). */
SG_API long long sg_count_nonfinite(const float* p, long long n);

/* A short English text for a status code; never NULL. */
SG_API const char* sg_status_string(int status);

#endif
