/* spikegrad CUDA: launch sequence of exact EventProp (cuda/eventprop_kernels.h), written once for
 * the device executor and the CPU emulation (see cuda/launch.h for the executor interface).
 * Host-only. Arguments: sg_eventprop_batch of eventprop.h (v1), every buffer a device pointer
 * (outputs included: loss_out and clamped too). */
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
struct sg_k_ep_mean {
    const double* part;
    int batch;
    int64_t n;
    double* grad;
    SG_HDM void operator()(sg_thread th) const { sg_ep_mean_thread(part, batch, n, grad, th); }
};
struct sg_k_ep_finish {
    sg_ep_params p;
    double* loss_out;
    long long* clamped;
    int* status;
    SG_HDM void operator()(sg_thread th) const { sg_ep_finish_thread(p, loss_out, clamped, status, th); }
};

/* Spike-list entries per sample at the first try; doubled (up to max_spikes) while a sample overflows. */
static inline int sg_ep_initial_capacity(int neurons, int max_spikes) {
    int64_t cap = 4096 + 16 * (int64_t)neurons;
    return cap < max_spikes ? (int)cap : max_spikes;
}

template <class E>
int sg_run_eventprop_batch(E& ex, int layers, const int* sizes,
                           const double* weights, const double* tau_mem, const double* tau_syn, const double* theta,
                           int batch, const double* in_times, const int* in_channels,
                           const int* in_offsets, const int* labels,
                           double duration, double tau0, double tau1, double alpha,
                           double vdot_floor, int max_spikes,
                           double* loss_out, int* predictions, double* first_times, int* out_counts,
                           int* spike_totals, double* grad_weights, double* grad_theta, long long* clamped) {
    if (!sizes || !weights || !tau_mem || !tau_syn || !theta || !in_offsets || !labels || !loss_out ||
        !predictions || !first_times || !out_counts || !grad_weights || !clamped)
        return SG_ERR_NULL_POINTER;
    if (layers < 1 || layers > SG_EP_MAX_LAYERS || batch < 1) return SG_ERR_BAD_SHAPE;
    if (!(duration > 0) || !isfinite(duration) || !(tau0 > 0) || !(tau1 > 0) || !(alpha >= 0) ||
        !(vdot_floor > 0) || max_spikes < 1)
        return SG_ERR_BAD_PARAM;
    sg_ep_params p;
    p.L = layers;
    SG_TRY(ex.to_host(p.sizes, sizes, sizeof(int) * (layers + 1)));
    int64_t nw = 0, N = 0;
    int widest = 1;
    for (int l = 0; l <= layers; l++)
        if (p.sizes[l] < 1) return SG_ERR_BAD_SHAPE;
    for (int l = 0; l < layers; l++) {
        p.woff[l] = nw;
        p.noff[l] = (int)N;
        nw += (int64_t)p.sizes[l] * p.sizes[l + 1];
        N += p.sizes[l + 1];
        if (N > INT32_MAX) return SG_ERR_BAD_SHAPE;
        if (p.sizes[l + 1] > widest) widest = p.sizes[l + 1];
    }
    p.noff[layers] = (int)N;
    p.N = (int)N;
    p.nw = nw;
    p.C = p.sizes[layers];
    int events = 0;
    SG_TRY(ex.to_host(&events, in_offsets + batch, sizeof(int)));
    if (events > 0 && (!in_times || !in_channels)) return SG_ERR_NULL_POINTER;
    p.w = weights;
    p.tau_mem = tau_mem;
    p.tau_syn = tau_syn;
    p.theta = theta;
    p.batch = batch;
    p.max_spikes = max_spikes;
    p.in_times = in_times;
    p.in_channels = in_channels;
    p.in_offsets = in_offsets;
    p.labels = labels;
    p.T = duration;
    p.tau0 = tau0;
    p.tau1 = tau1;
    p.alpha = alpha;
    p.vdot_floor = vdot_floor;
    p.predictions = predictions;
    p.first_times = first_times;
    p.out_counts = out_counts;
    const int64_t B = batch, L = layers;
    if (sg_grid_for(B * nw).blocks == 0) return SG_ERR_BAD_SHAPE;
    const sg_grid per_sample = sg_grid_per_sample(batch, widest);
    std::vector<int> status(batch), lstart((size_t)B * (L + 1));

    // ---- forward, with more list capacity while a sample overflows ----
    sg_carve cv;
    int* final_status = nullptr;
    for (p.cap = sg_ep_initial_capacity(p.N, max_spikes);;) {
        cv = sg_carve();
        const int64_t cap = p.cap;
        const size_t o_status = cv.take(sizeof(int) * B), o_count = cv.take(sizeof(int) * B),
                     o_lstart = cv.take(sizeof(int) * B * (L + 1)), o_in_end = cv.take(sizeof(int) * B),
                     o_sp_t = cv.take(sizeof(double) * B * cap), o_sp_i = cv.take(sizeof(double) * B * cap),
                     o_sp_n = cv.take(sizeof(int) * B * cap), o_dspike = cv.take(sizeof(double) * B * cap),
                     o_tmp = cv.take(sizeof(double) * B * 3 * p.C), o_loss = cv.take(sizeof(double) * B),
                     o_gw = cv.take(sizeof(double) * B * nw), o_gth = cv.take(sizeof(double) * B * N),
                     o_clamps = cv.take(sizeof(int) * B * N), o_totals = cv.take(sizeof(int) * B),
                     o_final = cv.take(sizeof(int));
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
        p.gth = cv.at<double>(o_gth);
        p.clamps = cv.at<int>(o_clamps);
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
        if (p.cap >= max_spikes) return SG_ERR_BAD_PARAM;
        p.cap = (int64_t)p.cap * 2 < max_spikes ? p.cap * 2 : max_spikes;
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
    SG_TRY(ex.stepped("eventprop_backward", per_sample, layers, sg_k_ep_backward{p}));
    SG_TRY(ex.plain("eventprop_mean", sg_grid_for(nw), sg_k_ep_mean{p.gw, batch, nw, grad_weights}));
    if (grad_theta) SG_TRY(ex.plain("eventprop_mean", sg_grid_for(N), sg_k_ep_mean{p.gth, batch, N, grad_theta}));
    SG_TRY(ex.plain("eventprop_finish", sg_grid_for(1), sg_k_ep_finish{p, loss_out, clamped, final_status}));
    int st = SG_OK;
    SG_TRY(ex.to_host(&st, final_status, sizeof(int)));
    return st;
}

#endif
