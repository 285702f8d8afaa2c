/* spikegrad CUDA: launch sequence of exact EventProp (cuda/eventprop_kernels.h), written once for
 * the device executor and the CPU emulation (see cuda/launch.h for the executor interface).
 * Host-only. Arguments: sg_eventprop_batch of eventprop.h, cfg a host pointer, every buffer a
 * device pointer (outputs included: loss_out, clamped and sample_clipped too); no spike trace
 * (cfg->trace_capacity must be 0 and trace_times / trace_neurons are not read); at most
 * SG_EP_MAX_LAYERS layers. */
#ifndef SPIKEGRAD_CUDA_EVENTPROP_LAUNCH_H
#define SPIKEGRAD_CUDA_EVENTPROP_LAUNCH_H

#include <math.h>

#include <vector>

#include "eventprop_kernels.h"
#include "launch.h"

struct sg_k_ep_forward {
    sg_ep_params p;
    SG_HDM void operator()(sg_thread th, int s) const { sg_ep_forward_step(p, th, s); }
};
struct sg_k_ep_backward {
    sg_ep_params p;
    SG_HDM void operator()(sg_thread th, int s) const { sg_ep_backward_step(p, th, s); }
};
struct sg_k_ep_zero {
    double* d;
    int64_t n;
    SG_HDM void operator()(sg_thread th) const { sg_ep_zero_thread(d, n, th); }
};
struct sg_k_ep_scale {
    sg_ep_params p;
    SG_HDM void operator()(sg_thread th) const { sg_ep_scale_thread(p, th); }
};
struct sg_k_ep_mean {
    const double* part;
    const double* scale;
    int batch;
    int64_t n;
    double* grad;
    SG_HDM void operator()(sg_thread th) const { sg_ep_mean_thread(part, scale, batch, n, grad, th); }
};
struct sg_k_ep_finish {
    sg_ep_params p;
    int gradients;
    double* loss_out;
    long long* clamped;
    long long* sample_clipped;
    int* status;
    SG_HDM void operator()(sg_thread th) const {
        sg_ep_finish_thread(p, gradients, loss_out, clamped, sample_clipped, status, th);
    }
};

/* Spike-list entries per sample at the first try; doubled (up to max_spikes) while a sample overflows. */
static inline int sg_ep_initial_capacity(int neurons, int max_spikes) {
    int64_t cap = 4096 + 16 * (int64_t)neurons;
    return cap < max_spikes ? (int)cap : max_spikes;
}

/* Whether the loss fits the last layer (the CPU kernel's loss_fits). */
static inline bool sg_ep_loss_fits(int loss, bool readout) {
    switch (loss) {
        case SG_EP_LOSS_FIRST_SPIKE:
        case SG_EP_LOSS_SPIKE_COUNT:
        case SG_EP_LOSS_SPIKE_TIME_SUM: return !readout;
        case SG_EP_LOSS_MAX_VOLTAGE:
        case SG_EP_LOSS_MEAN_VOLTAGE: return readout;
        default: return false;
    }
}

template <class E>
int sg_run_eventprop_batch(E& ex, const sg_eventprop_config* cfg, const int* sizes, const int* recurrent,
                           const double* weights, const double* rec_weights,
                           const double* tau_mem, const double* tau_syn, const double* theta,
                           const double* in_times, const int* in_channels, const int* in_offsets,
                           const int* labels,
                           double* loss_out, int* predictions, double* out_values, int* out_counts,
                           int* spike_totals, int* layer_silent, long long* stored_bytes,
                           double* grad_weights, double* grad_rec, double* grad_theta,
                           long long* clamped, long long* sample_clipped) {
    if (!cfg || !sizes || !weights || !tau_mem || !tau_syn || !theta || !in_offsets || !labels || !loss_out ||
        !predictions || !out_values || !out_counts || !clamped)
        return SG_ERR_NULL_POINTER;
    const int layers = cfg->layers, batch = cfg->batch;
    if (layers < 1 || layers > SG_EP_MAX_LAYERS || batch < 1) return SG_ERR_BAD_SHAPE;
    if (cfg->readout != 0 && cfg->readout != 1) return SG_ERR_BAD_PARAM;
    if (!sg_ep_loss_fits(cfg->loss, cfg->readout == 1)) return SG_ERR_BAD_ENUM;
    const double duration = cfg->duration;
    if (!(duration > 0) || !isfinite(duration) || !(cfg->vdot_floor > 0) || cfg->max_spikes < 1 ||
        cfg->trace_capacity != 0 || !(cfg->sample_clip >= 0) || !isfinite(cfg->sample_clip))
        return SG_ERR_BAD_PARAM;
    if (cfg->loss == SG_EP_LOSS_FIRST_SPIKE && (!(cfg->tau0 > 0) || !(cfg->tau1 > 0) || !(cfg->alpha >= 0)))
        return SG_ERR_BAD_PARAM;
    const bool want_grad = cfg->gradients != 0;
    sg_ep_params p;
    p.L = layers;
    p.readout = cfg->readout;
    p.loss_kind = cfg->loss;
    SG_TRY(ex.to_host(p.sizes, sizes, sizeof(int) * (layers + 1)));
    int rec[SG_EP_MAX_LAYERS] = {0};
    if (recurrent) SG_TRY(ex.to_host(rec, recurrent, sizeof(int) * layers));
    int64_t nw = 0, nr = 0, N = 0;
    int widest = 1;
    for (int l = 0; l <= layers; l++)
        if (p.sizes[l] < 1) return SG_ERR_BAD_SHAPE;
    for (int l = 0; l < layers; l++) {
        p.woff[l] = nw;
        p.noff[l] = (int)N;
        nw += (int64_t)p.sizes[l] * p.sizes[l + 1];
        const bool r = rec[l] != 0;
        if (r && p.readout && l == layers - 1) return SG_ERR_BAD_SHAPE;  // a readout never spikes
        p.roff[l] = r ? nr : -1;
        if (r) nr += (int64_t)p.sizes[l + 1] * p.sizes[l + 1];
        N += p.sizes[l + 1];
        if (N > INT32_MAX) return SG_ERR_BAD_SHAPE;
        if (p.sizes[l + 1] > widest) widest = p.sizes[l + 1];
    }
    if (nr > 0 && !rec_weights) return SG_ERR_NULL_POINTER;
    if (want_grad && (!grad_weights || (nr > 0 && !grad_rec))) return SG_ERR_NULL_POINTER;
    p.noff[layers] = (int)N;
    p.N = (int)N;
    p.nw = nw;
    p.nr = nr;
    p.C = p.sizes[layers];
    int events = 0;
    SG_TRY(ex.to_host(&events, in_offsets + batch, sizeof(int)));
    if (events > 0 && (!in_times || !in_channels)) return SG_ERR_NULL_POINTER;
    p.w = weights;
    p.rw = rec_weights;
    p.tau_mem = tau_mem;
    p.tau_syn = tau_syn;
    p.theta = theta;
    p.batch = batch;
    p.max_spikes = cfg->max_spikes;
    p.in_times = in_times;
    p.in_channels = in_channels;
    p.in_offsets = in_offsets;
    p.labels = labels;
    p.T = duration;
    p.tau0 = cfg->tau0;
    p.tau1 = cfg->tau1;
    p.alpha = cfg->alpha;
    p.vdot_floor = cfg->vdot_floor;
    p.sample_clip = cfg->sample_clip;
    p.predictions = predictions;
    p.out_values = out_values;
    p.out_counts = out_counts;
    p.layer_silent = layer_silent;
    p.stored_bytes = stored_bytes;
    const int64_t B = batch, L = layers, C = p.C;
    if (sg_grid_for(B * (nw > nr ? nw : nr)).blocks == 0) return SG_ERR_BAD_SHAPE;
    const sg_grid per_sample = sg_grid_per_sample(batch, widest);
    const int64_t st_n = nr > 0 ? B * N : 1, ro_n = p.readout ? B * C : 1;
    std::vector<int> status(batch), lstart((size_t)B * (L + 1));

    // ---- forward, with more list capacity while a sample overflows ----
    sg_carve cv;
    int* final_status = nullptr;
    for (p.cap = sg_ep_initial_capacity(p.N, p.max_spikes);;) {
        cv = sg_carve();
        const int64_t cap = p.cap;
        const size_t o_status = cv.take(sizeof(int) * B), o_count = cv.take(sizeof(int) * B),
                     o_lstart = cv.take(sizeof(int) * B * (L + 1)), o_in_end = cv.take(sizeof(int) * B),
                     o_sp_t = cv.take(sizeof(double) * B * cap), o_sp_i = cv.take(sizeof(double) * B * cap),
                     o_sp_n = cv.take(sizeof(int) * B * cap), o_dspike = cv.take(sizeof(double) * B * cap),
                     o_tmp = cv.take(sizeof(double) * B * 3 * C), o_loss = cv.take(sizeof(double) * B),
                     o_gw = cv.take(sizeof(double) * B * nw), o_grec = cv.take(sizeof(double) * (nr > 0 ? B * nr : 1)),
                     o_gth = cv.take(sizeof(double) * B * N), o_clamps = cv.take(sizeof(int) * B * N),
                     o_mark = cv.take(sizeof(int) * B * N), o_st_v = cv.take(sizeof(double) * st_n),
                     o_st_i = cv.take(sizeof(double) * st_n), o_st_t = cv.take(sizeof(double) * st_n),
                     o_st_p = cv.take(sizeof(double) * st_n), o_ro_max = cv.take(sizeof(double) * ro_n),
                     o_ro_argt = cv.take(sizeof(double) * ro_n), o_ro_vdot = cv.take(sizeof(double) * ro_n),
                     o_ro_int = cv.take(sizeof(double) * ro_n), o_ro_arg = cv.take(sizeof(int) * ro_n),
                     o_scale = cv.take(sizeof(double) * B), o_clipped = cv.take(sizeof(int) * B),
                     o_touched = cv.take(sizeof(int) * (p.sample_clip > 0 ? B * (p.sizes[0] + N) : 1)),
                     o_totals = cv.take(sizeof(int) * B), o_final = cv.take(sizeof(int));
        void* mem = nullptr;
        SG_TRY(ex.scratch(cv.used, &mem, 0));
        cv.base = (char*)mem;
        p.status = cv.at<int>(o_status);
        p.count = cv.at<int>(o_count);
        p.lstart = cv.at<int>(o_lstart);
        p.in_end = cv.at<int>(o_in_end);
        p.sp_t = cv.at<double>(o_sp_t);
        p.sp_i = cv.at<double>(o_sp_i);
        p.sp_n = cv.at<int>(o_sp_n);
        p.dspike = cv.at<double>(o_dspike);
        p.tmp = cv.at<double>(o_tmp);
        p.loss = cv.at<double>(o_loss);
        p.gw = cv.at<double>(o_gw);
        p.grec = cv.at<double>(o_grec);
        p.gth = cv.at<double>(o_gth);
        p.clamps = cv.at<int>(o_clamps);
        p.mark = cv.at<int>(o_mark);
        p.st_v = cv.at<double>(o_st_v);
        p.st_i = cv.at<double>(o_st_i);
        p.st_t = cv.at<double>(o_st_t);
        p.st_p = cv.at<double>(o_st_p);
        p.ro_max = cv.at<double>(o_ro_max);
        p.ro_argt = cv.at<double>(o_ro_argt);
        p.ro_vdot = cv.at<double>(o_ro_vdot);
        p.ro_int = cv.at<double>(o_ro_int);
        p.ro_arg = cv.at<int>(o_ro_arg);
        p.scale = cv.at<double>(o_scale);
        p.clipped = cv.at<int>(o_clipped);
        p.touched = cv.at<int>(o_touched);
        p.spike_totals = spike_totals ? spike_totals : cv.at<int>(o_totals);
        p.contrib = nullptr;
        p.coff = nullptr;
        final_status = cv.at<int>(o_final);
        SG_TRY(ex.stepped("eventprop_forward", per_sample, 2 * layers + 2, sg_k_ep_forward{p}));
        SG_TRY(ex.to_host(status.data(), p.status, sizeof(int) * B));
        bool overflow = false;
        for (int b = 0; b < batch; b++) {
            if (status[b] == SG_EP_OVERFLOW) {
                overflow = true;
            } else if (status[b] != SG_OK && !overflow) {
                return status[b];  // the first failing sample's error, as the CPU kernel
            }
        }
        if (!overflow) break;
        if (p.cap >= p.max_spikes) return SG_ERR_BAD_PARAM;
        p.cap = (int64_t)p.cap * 2 < p.max_spikes ? p.cap * 2 : p.max_spikes;
    }
    if (!want_grad) {
        SG_TRY(ex.plain("eventprop_finish", sg_grid_for(1),
                        sg_k_ep_finish{p, 0, loss_out, clamped, sample_clipped, final_status}));
        int st = SG_OK;
        SG_TRY(ex.to_host(&st, final_status, sizeof(int)));
        return st;
    }

    // ---- backward: each (sample, layer < L-1) gets a [K_l][sizes[l+2]] block of terms ----
    SG_TRY(ex.to_host(lstart.data(), p.lstart, sizeof(int) * B * (L + 1)));
    std::vector<long long> coff((size_t)B * L, 0);
    long long terms = 0;
    for (int64_t b = 0; b < B; b++)
        for (int64_t l = 0; l < L; l++) {
            coff[b * L + l] = terms;
            if (l + 1 < L) terms += (long long)(lstart[b * (L + 1) + l + 1] - lstart[b * (L + 1) + l]) * p.sizes[l + 2];
        }
    sg_carve c2;
    const size_t o_coff = c2.take(sizeof(long long) * B * L), o_contrib = c2.take(sizeof(double) * (terms > 0 ? terms : 1));
    void* mem2 = nullptr;
    SG_TRY(ex.scratch(c2.used, &mem2, 1));
    c2.base = (char*)mem2;
    p.coff = c2.at<long long>(o_coff);
    p.contrib = c2.at<double>(o_contrib);
    SG_TRY(ex.to_device(c2.at<long long>(o_coff), coff.data(), sizeof(long long) * B * L));
    SG_TRY(ex.plain("eventprop_zero", sg_grid_for(B * nw), sg_k_ep_zero{p.gw, B * nw}));
    if (nr > 0) SG_TRY(ex.plain("eventprop_zero", sg_grid_for(B * nr), sg_k_ep_zero{p.grec, B * nr}));
    SG_TRY(ex.stepped("eventprop_backward", per_sample, layers, sg_k_ep_backward{p}));
    SG_TRY(ex.plain("eventprop_scale", sg_grid_for(B), sg_k_ep_scale{p}));
    SG_TRY(ex.plain("eventprop_mean", sg_grid_for(nw), sg_k_ep_mean{p.gw, p.scale, batch, nw, grad_weights}));
    if (nr > 0) SG_TRY(ex.plain("eventprop_mean", sg_grid_for(nr), sg_k_ep_mean{p.grec, p.scale, batch, nr, grad_rec}));
    if (grad_theta)
        SG_TRY(ex.plain("eventprop_mean", sg_grid_for(N), sg_k_ep_mean{p.gth, p.scale, batch, N, grad_theta}));
    SG_TRY(ex.plain("eventprop_finish", sg_grid_for(1),
                    sg_k_ep_finish{p, 1, loss_out, clamped, sample_clipped, final_status}));
    int st = SG_OK;
    SG_TRY(ex.to_host(&st, final_status, sizeof(int)));
    return st;
}

#endif
