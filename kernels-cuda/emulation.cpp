/* spikegrad: the CUDA kernels emulated on the CPU (cuda/emulation.h).
 *
 * EmuExec is the second executor of cuda/launch.h: plain kernels call the body for every
 * (block, thread) of the grid in order; stepped kernels run, block by block, step s of every
 * thread before step s+1 of any (the barrier's guarantee). Scratch is host memory filled with
 * a NaN pattern, so a body that reads scratch it never wrote poisons its results. */
#include "spikegrad/cuda/emulation.h"

#include <cstring>
#include <vector>

#include "spikegrad/cuda/diffsyn_launch.h"
#include "spikegrad/cuda/eventprop_launch.h"
#include "spikegrad/cuda/launch.h"

namespace {

thread_local long long t_threads = 0;

struct EmuExec {
    std::vector<float> buf[2];

    template <class F>
    int plain(const char*, sg_grid g, const F& f) {
        if (g.blocks < 1 || g.threads < 1) return SG_ERR_BAD_SHAPE;
        for (int b = 0; b < g.blocks; ++b)
            for (int t = 0; t < g.threads; ++t) f(sg_thread{b, t, g.threads, g.blocks});
        t_threads += (long long)g.blocks * g.threads;
        return SG_OK;
    }

    template <class F>
    int stepped(const char*, sg_grid g, int steps, const F& f) {
        if (g.blocks < 1 || g.threads < 1) return SG_ERR_BAD_SHAPE;
        for (int b = 0; b < g.blocks; ++b)
            for (int s = 0; s < steps; ++s)
                for (int t = 0; t < g.threads; ++t) f(sg_thread{b, t, g.threads, g.blocks}, s);
        t_threads += (long long)g.blocks * g.threads;
        return SG_OK;
    }

    int scratch(size_t bytes, void** out, int slot = 0) {
        try {
            buf[slot].assign(bytes / sizeof(float) + 1, __builtin_nanf(""));
        } catch (...) {
            return SG_ERR_ALLOC;
        }
        *out = buf[slot].data();
        return SG_OK;
    }

    int to_device(void* dst, const void* src, size_t bytes) {
        std::memcpy(dst, src, bytes);
        return SG_OK;
    }

    int to_host(void* dst, const void* src, size_t bytes) {
        std::memcpy(dst, src, bytes);
        return SG_OK;
    }
};

template <typename F>
int run(F&& f) {
    t_threads = 0;
    EmuExec ex;
    return f(ex);
}

}  // namespace

SG_API int sg_emu_lif_forward(const sg_lif_config* cfg, const float* x, const float* w_rec,
                              const float* alpha, const float* beta, const float* theta,
                              const float* i0, const float* v0,
                              void* s, float* i_save, float* u_out, float* v_last) {
    return run([&](EmuExec& ex) {
        return sg_run_lif_forward(ex, cfg, x, w_rec, alpha, beta, theta, i0, v0, s, i_save, u_out, v_last);
    });
}

SG_API int sg_emu_lif_backward(const sg_lif_config* cfg, const float* w_rec,
                               const float* alpha, const float* beta, const float* theta,
                               const float* i0, const float* v0, const float* i_save,
                               const float* grad_s, const float* grad_u,
                               float* grad_x, float* grad_i0, float* grad_v0,
                               float* grad_alpha, float* grad_beta, float* grad_theta) {
    return run([&](EmuExec& ex) {
        return sg_run_lif_backward(ex, cfg, w_rec, alpha, beta, theta, i0, v0, i_save, grad_s, grad_u,
                                   grad_x, grad_i0, grad_v0, grad_alpha, grad_beta, grad_theta);
    });
}

SG_API int sg_emu_lif_surrogate_mask(const sg_lif_config* cfg, const float* beta, const float* theta,
                                     const float* v0, const float* i_save, unsigned char* mask, long long* count) {
    return run([&](EmuExec& ex) { return sg_run_lif_surrogate_mask(ex, cfg, beta, theta, v0, i_save, mask, count); });
}

SG_API int sg_emu_masked_matmul(int rows, int inner, int cols, const float* a, const float* b,
                                const unsigned char* mask, float* out) {
    return run([&](EmuExec& ex) { return sg_run_masked_matmul(ex, rows, inner, cols, a, b, mask, out); });
}

SG_API int sg_emu_li_forward(int steps, int batch, int neurons, const float* x,
                             const float* alpha, const float* beta,
                             const float* i0, const float* u0, float* u_out, float* i_save) {
    return run([&](EmuExec& ex) {
        return sg_run_li_forward(ex, steps, batch, neurons, x, alpha, beta, i0, u0, u_out, i_save);
    });
}

SG_API int sg_emu_li_backward(int steps, int batch, int neurons,
                              const float* alpha, const float* beta,
                              const float* i0, const float* u0,
                              const float* u_out, const float* i_save, const float* grad_u,
                              float* grad_x, float* grad_i0, float* grad_u0,
                              float* grad_alpha, float* grad_beta) {
    return run([&](EmuExec& ex) {
        return sg_run_li_backward(ex, steps, batch, neurons, alpha, beta, i0, u0, u_out, i_save, grad_u,
                                  grad_x, grad_i0, grad_u0, grad_alpha, grad_beta);
    });
}

SG_API int sg_emu_spike_matmul(int rows, int inputs, int outputs, const void* x, int x_dtype,
                               const float* w, float beta, float* out) {
    return run([&](EmuExec& ex) { return sg_run_spike_matmul(ex, rows, inputs, outputs, x, x_dtype, w, beta, out); });
}

SG_API int sg_emu_spike_matmul_weight_grad(int rows, int inputs, int outputs, const void* x, int x_dtype,
                                           const float* g, float beta, float* dw) {
    return run([&](EmuExec& ex) {
        return sg_run_spike_matmul_weight_grad(ex, rows, inputs, outputs, x, x_dtype, g, beta, dw);
    });
}

SG_API int sg_emu_eventprop_batch(const sg_eventprop_config* cfg, const int* sizes, const int* recurrent,
                                   const double* weights, const double* rec_weights,
                                   const double* tau_mem, const double* tau_syn, const double* theta,
                                   const double* in_times, const int* in_channels, const int* in_offsets,
                                   const int* labels,
                                   double* loss_out, int* predictions, double* out_values, int* out_counts,
                                   int* spike_totals, int* layer_silent, long long* stored_bytes,
                                   double* grad_weights, double* grad_rec, double* grad_theta,
                                   long long* clamped, long long* sample_clipped) {
    return run([&](EmuExec& ex) {
        return sg_run_eventprop_batch(ex, cfg, sizes, recurrent, weights, rec_weights, tau_mem, tau_syn, theta, in_times, in_channels,
                                  in_offsets, labels, loss_out, predictions, out_values, out_counts, spike_totals,
                                  layer_silent, stored_bytes, grad_weights, grad_rec, grad_theta, clamped,
                                  sample_clipped);
    });
}

SG_API int sg_emu_diffsyn_forward(const sg_diffsyn_config* cfg,
                                  const double* w_fast, const double* w_slow, const double* u,
                                  const double* i0, const double* o,
                                  const double* x, const double* target, const double* weight, const double* v0,
                                  double* loss, double* readout, signed char* spikes, int* spike_counts,
                                  double* diag) {
    return run([&](EmuExec& ex) {
        return sg_run_diffsyn(ex, cfg, w_fast, w_slow, u, i0, o, x, target, weight, v0, loss, readout, spikes,
                              spike_counts, false, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, diag);
    });
}

SG_API int sg_emu_diffsyn_forward_backward(const sg_diffsyn_config* cfg,
                                           const double* w_fast, const double* w_slow, const double* u,
                                           const double* i0, const double* o,
                                           const double* x, const double* target, const double* weight,
                                           const double* v0,
                                           double* loss, double* readout, signed char* spikes, int* spike_counts,
                                           double* g_w_fast, double* g_w_slow, double* g_u, double* g_i0,
                                           double* g_o, double* g_v0, double* diag) {
    return run([&](EmuExec& ex) {
        return sg_run_diffsyn(ex, cfg, w_fast, w_slow, u, i0, o, x, target, weight, v0, loss, readout, spikes,
                              spike_counts, true, g_w_fast, g_w_slow, g_u, g_i0, g_o, g_v0, diag);
    });
}

SG_API int sg_emu_reduce(const void* p, int dtype, long long n, int kind, double* result) {
    return run([&](EmuExec& ex) { return sg_run_reduce(ex, p, dtype, (int64_t)n, kind, result); });
}

SG_API long long sg_emu_last_threads(void) { return t_threads; }
