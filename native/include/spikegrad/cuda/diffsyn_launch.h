/* spikegrad CUDA: launch sequence of the differentiable synapse (cuda/diffsyn_kernels.h), written
 * once for the device executor and the CPU emulation (see cuda/launch.h for the executor
 * interface). Host-only. Arguments: sg_diffsyn_forward / sg_diffsyn_forward_backward of
 * diffsyn.h, cfg a host pointer, every buffer a device pointer (loss and diag too). Same checks
 * and status codes as the CPU kernel: the configuration on the host, the buffers' values
 * (finite parameters and inputs, weights >= 0, v0 in the reset range) by the forward kernel's
 * validation phase; a runaway is reported for the first failing sample, its first step and
 * lowest neuron, in diag, as the CPU kernel does. */
#ifndef SPIKEGRAD_CUDA_DIFFSYN_LAUNCH_H
#define SPIKEGRAD_CUDA_DIFFSYN_LAUNCH_H

#include <math.h>

#include <vector>

#include "diffsyn_kernels.h"
#include "launch.h"

struct sg_k_ds_forward {
    sg_ds_params p;
    SG_HDM void operator()(sg_thread th, int s) const { sg_ds_forward_step(p, th, s); }
};
struct sg_k_ds_backward {
    sg_ds_params p;
    SG_HDM void operator()(sg_thread th, int s) const { sg_ds_backward_step(p, th, s); }
};
struct sg_k_ds_mean {
    sg_ds_params p;
    double *g_wf, *g_ws, *g_u, *g_i0, *g_o, *g_v0;
    SG_HDM void operator()(sg_thread th) const { sg_ds_mean_thread(p, g_wf, g_ws, g_u, g_i0, g_o, g_v0, th); }
};

/* The CPU kernel's check() of the configuration and the required buffers. */
static inline int sg_ds_check_config(const sg_diffsyn_config* c, const double* u, const double* i0, const double* o,
                                     const double* x, const double* target, const double* v0, const double* loss) {
    if (!c) return SG_ERR_NULL_POINTER;
    if (!u || !i0 || !o || !x || !target || !v0 || !loss) return SG_ERR_NULL_POINTER;
    if (c->steps < 1 || c->batch < 1 || c->neurons < 1 || c->inputs < 1 || c->outputs < 1) return SG_ERR_BAD_SHAPE;
    if (c->neurons > 46340) return SG_ERR_BAD_SHAPE;
    int64_t tb = (int64_t)c->steps * c->batch;
    if (tb * c->neurons > ((int64_t)1 << 40) || tb * c->inputs > ((int64_t)1 << 40) ||
        tb * c->outputs > ((int64_t)1 << 40))
        return SG_ERR_BAD_SHAPE;
    if (c->steps > (INT32_MAX - 3) / 3) return SG_ERR_BAD_SHAPE;   // phases of the stepped forward
    if (c->neuron < SG_DS_NIF || c->neuron > SG_DS_LIF || c->gate < SG_DS_BOX || c->gate > SG_DS_BUMP) return SG_ERR_BAD_ENUM;
    auto pos = [](double t) { return t > 0 && isfinite(t); };
    if (!pos(c->dt) || !pos(c->tau_fast) || !pos(c->tau_slow)) return SG_ERR_BAD_PARAM;
    if (c->neuron != SG_DS_NIF && !pos(c->tau_v)) return SG_ERR_BAD_PARAM;
    if (!(c->width > 0 && c->width < 1)) return SG_ERR_BAD_PARAM;
    if (!(c->lambda >= 0) || !isfinite(c->lambda)) return SG_ERR_BAD_PARAM;
    return SG_OK;
}

template <class E>
int sg_run_diffsyn(E& ex, const sg_diffsyn_config* cfg, const double* w_fast, const double* w_slow, const double* u,
                   const double* i0, const double* o, const double* x, const double* target, const double* weight,
                   const double* v0, double* loss, double* readout, signed char* spikes, int* spike_counts,
                   bool backward, double* g_w_fast, double* g_w_slow, double* g_u, double* g_i0, double* g_o,
                   double* g_v0, double* diag) {
    SG_TRY(sg_ds_check_config(cfg, u, i0, o, x, target, v0, loss));
    if (backward && (!g_u || !g_i0 || !g_o || (w_fast && !g_w_fast) || (w_slow && !g_w_slow))) return SG_ERR_NULL_POINTER;
    sg_ds_params p;
    p.T = cfg->steps;
    p.B = cfg->batch;
    p.N = cfg->neurons;
    p.D = cfg->inputs;
    p.R = cfg->outputs;
    p.neuron = cfg->neuron;
    p.gate = cfg->gate;
    p.keep = backward ? 1 : 0;
    p.dt = cfg->dt;
    p.tau_v = cfg->tau_v;
    p.width = cfg->width;
    p.lambda = cfg->lambda;
    p.af = exp(-cfg->dt / cfg->tau_fast);
    p.bf = (1.0 - p.af) / cfg->dt;
    p.as = exp(-cfg->dt / cfg->tau_slow);
    p.bs = (1.0 - p.as) / cfg->dt;
    p.wf = w_fast;
    p.ws = w_slow;
    p.u = u;
    p.i0 = i0;
    p.o = o;
    p.x = x;
    p.target = target;
    p.weight = weight;
    p.v0 = v0;
    p.loss = loss;
    p.readout = readout;
    p.spikes = spikes;
    p.counts = spike_counts;
    const int64_t T = p.T, B = p.B, N = p.N, D = p.D, R = p.R, BN = B * N;
    const int64_t TK = backward ? T : 0;   // trajectory steps kept
    sg_carve cv;
    const size_t o_status = cv.take(sizeof(int) * B), o_bad = cv.take(sizeof(int) * B),
                 o_diag = cv.take(sizeof(double) * B * 5), o_fk = cv.take(sizeof(int) * BN),
                 o_fv = cv.take(sizeof(double) * BN), o_v = cv.take(sizeof(double) * BN),
                 o_ss = cv.take(sizeof(double) * BN), o_jf = cv.take(sizeof(double) * BN),
                 o_js = cv.take(sizeof(double) * BN), o_ch = cv.take(sizeof(double) * BN),
                 o_total = cv.take(sizeof(double) * B),
                 o_V = cv.take(sizeof(double) * (backward ? B * (T + 1) * N : 1)),
                 o_DV = cv.take(sizeof(double) * (backward ? BN * TK : 1)),
                 o_DI = cv.take(sizeof(double) * (backward ? BN * TK : 1)),
                 o_SS = cv.take(sizeof(double) * (backward ? B * (T + 1) * N : 1)),
                 o_E = cv.take(sizeof(double) * (backward ? B * T * R : 1)),
                 o_NS = cv.take(sizeof(int) * (backward ? BN * TK : 1)),
                 o_qf = cv.take(sizeof(double) * BN), o_qs = cv.take(sizeof(double) * BN),
                 o_dss = cv.take(sizeof(double) * BN), o_lamv = cv.take(sizeof(double) * BN),
                 o_q = cv.take(sizeof(double) * BN),
                 o_gwf = cv.take(sizeof(double) * (backward && w_fast ? BN * N : 1)),
                 o_gws = cv.take(sizeof(double) * (backward && w_slow ? BN * N : 1)),
                 o_gu = cv.take(sizeof(double) * (backward ? BN * D : 1)),
                 o_gi0 = cv.take(sizeof(double) * (backward ? BN : 1)),
                 o_go = cv.take(sizeof(double) * (backward ? B * R * N : 1));
    void* mem = nullptr;
    SG_TRY(ex.scratch(cv.used, &mem, 0));
    cv.base = (char*)mem;
    p.status = cv.at<int>(o_status);
    p.bad = cv.at<int>(o_bad);
    p.diag = cv.at<double>(o_diag);
    p.fk = cv.at<int>(o_fk);
    p.fv = cv.at<double>(o_fv);
    p.v = cv.at<double>(o_v);
    p.ss = cv.at<double>(o_ss);
    p.jf = cv.at<double>(o_jf);
    p.js = cv.at<double>(o_js);
    p.ch = cv.at<double>(o_ch);
    p.total = cv.at<double>(o_total);
    p.V = cv.at<double>(o_V);
    p.DV = cv.at<double>(o_DV);
    p.DI = cv.at<double>(o_DI);
    p.SS = cv.at<double>(o_SS);
    p.E = cv.at<double>(o_E);
    p.NS = cv.at<int>(o_NS);
    p.qf = cv.at<double>(o_qf);
    p.qs = cv.at<double>(o_qs);
    p.dss = cv.at<double>(o_dss);
    p.lamv = cv.at<double>(o_lamv);
    p.q = cv.at<double>(o_q);
    p.gwf_t = cv.at<double>(o_gwf);
    p.gws_t = cv.at<double>(o_gws);
    p.gu = cv.at<double>(o_gu);
    p.gi0 = cv.at<double>(o_gi0);
    p.go = cv.at<double>(o_go);

    const sg_grid per_sample = sg_grid_per_sample(cfg->batch, cfg->neurons);
    SG_TRY(ex.stepped("diffsyn_forward", per_sample, 3 * p.T + 3, sg_k_ds_forward{p}));
    std::vector<int> status((size_t)B), bad((size_t)B);
    SG_TRY(ex.to_host(bad.data(), p.bad, sizeof(int) * B));
    for (int64_t b = 0; b < B; b++)
        if (bad[b]) return SG_ERR_BAD_PARAM;   // an input check of the CPU kernel: diag untouched
    SG_TRY(ex.to_host(status.data(), p.status, sizeof(int) * B));
    for (int64_t b = 0; b < B; b++) {
        if (status[b] != SG_OK) {
            if (diag) {
                double d[5];
                SG_TRY(ex.to_host(d, p.diag + b * 5, sizeof(d)));
                SG_TRY(ex.to_device(diag, d, sizeof(d)));
            }
            return status[b];
        }
    }
    if (!backward) return SG_OK;
    SG_TRY(ex.stepped("diffsyn_backward", per_sample, 2 * p.T + 2, sg_k_ds_backward{p}));
    const int64_t n = sg_ds_mean_count(p, g_v0 != nullptr);
    const sg_grid g = sg_grid_for(n);
    if (g.blocks == 0) return SG_ERR_BAD_SHAPE;
    SG_TRY(ex.plain("diffsyn_mean", g, sg_k_ds_mean{p, g_w_fast, g_w_slow, g_u, g_i0, g_o, g_v0}));
    return SG_OK;
}

#endif
