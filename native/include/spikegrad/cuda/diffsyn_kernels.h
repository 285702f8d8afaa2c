/* spikegrad CUDA: per-thread bodies of the differentiable synapse (Huh & Sejnowski 2018) on the
 * GPU (host and device).
 *
 * Model, discretisation and exact discrete adjoint: diffsyn.h / diffsyn_math.h; this is the CPU
 * kernel (kernels-cpu/diffsyn.cpp) re-laid for one block per sample, one thread per neuron
 * (thread t owns neurons t, t + blockDim, ...), with the CPU kernel's arithmetic and, per output
 * element, its order of additions, so the emulation reproduces the CPU kernel bit for bit (the
 * device up to its libm and its division/sqrt, which are IEEE as well; --fmad=false).
 *
 * Forward (stepped; a barrier after every phase), phases:
 *   0        thread 0 clears the sample's status; every thread initialises its neurons
 *   1        validation of the sample's v0, x, target, weight (block 0 also the parameters)
 *   2+3k     A  neuron i: I = (jf + js) + i0 + u_i . x[k]; sg_ds_step; trajectory; charge c_i
 *   3+3k     B  neuron i: s <- a s, then, for j = 0 .. N-1 with c_j != 0 in increasing j (the CPU
 *               kernel's active list): ss_i += b_s c_i (j = i), jf_i += (b_f c_j) W_f[i][j],
 *               js_i += (b_s c_j) W_s[i][j]
 *   4+3k     C  thread 0: the first runaway of step k (lowest neuron) stops the sample; readouts,
 *               the weighted squared errors and the penalty summed in the CPU kernel's order
 *   3T+2     loss_b = total / T
 * Backward (stepped), after a forward that kept the trajectory, phases:
 *   0        clear the adjoints and this sample's gradient rows; the k = T source
 *   1+2m     A  (k = T-1-m) neuron i: lam_c from W^T Q[k+1] where a gate is open, the step adjoint,
 *               the weight-gradient row i (+= b c_i Q[k+1]^T) when the charge is nonzero
 *   2+2m     B  neuron i: grad I_0, grad U row, Q <- a Q + q, the source of step k
 *   2T+1     grad O column i (k = 1 .. T), lambda_v[0]
 * then one plain kernel, one thread per gradient entry: the batch mean, samples summed in order
 * (W entries read from the per-sample transposed rows), times 1/B; no atomics. */
#ifndef SPIKEGRAD_CUDA_DIFFSYN_KERNELS_H
#define SPIKEGRAD_CUDA_DIFFSYN_KERNELS_H

#include "../diffsyn.h"
#include "grid.h"

typedef struct sg_ds_params {
    int T, B, N, D, R;
    int neuron, gate, keep;
    double dt, tau_v, width, lambda;
    double af, bf, as, bs;
    const double *wf, *ws, *u, *i0, *o;   /* wf / ws NULL: no such recurrence */
    const double *x, *target, *weight, *v0;
    /* outputs */
    double* loss;
    double* readout;
    signed char* spikes;
    int* counts;
    /* per-sample scratch */
    int* status;     /* [B] SG_OK or SG_ERR_BAD_PARAM (runaway) */
    int* bad;        /* [B] 1: an input failed validation */
    double* diag;    /* [B][5] */
    int* fk;         /* [B][N] runaway kind of this neuron this step (0 none) */
    double* fv;      /* [B][N] its current */
    double *v, *ss, *jf, *js, *ch;   /* [B][N] */
    double* total;   /* [B] */
    /* trajectory (keep) */
    double *V, *DV, *DI, *SS, *E;    /* [B][T+1][N], [B][T][N], [B][T][N], [B][T+1][N], [B][T][R] */
    int* NS;                         /* [B][T][N] */
    /* backward */
    double *qf, *qs, *dss, *lamv, *q;   /* [B][N] */
    double *gwf_t, *gws_t;              /* [B][N][N] row i: presynaptic neuron i */
    double *gu, *gi0, *go;              /* [B][N][D], [B][N], [B][R][N] */
} sg_ds_params;

SG_HD double sg_ds_dot(const double* a, const double* b, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) s += a[k] * b[k];
    return s;
}

SG_HD int sg_ds_finite(double x) { return isfinite(x) ? 1 : 0; }

/* Phase 1: element k of this block's share fails validation -> bad[b] = 1. */
SG_HD void sg_ds_validate(const sg_ds_params& p, sg_thread th) {
    const int b = th.block, N = p.N, D = p.D, R = p.R, B = p.B;
    int ok = 1;
    for (int i = th.thread; i < N; i += th.block_dim)
        if (!sg_ds_in_range(p.neuron, p.v0[(size_t)b * N + i])) ok = 0;
    for (int64_t e = th.thread; e < (int64_t)p.T * D; e += th.block_dim) {
        int64_t k = e / D, m = e % D;
        if (!sg_ds_finite(p.x[(k * B + b) * D + m])) ok = 0;
    }
    for (int64_t e = th.thread; e < (int64_t)p.T * R; e += th.block_dim) {
        int64_t k = e / R, r = e % R, at = (k * B + b) * R + r;
        if (!sg_ds_finite(p.target[at])) ok = 0;
        if (p.weight && !(p.weight[at] >= 0 && sg_ds_finite(p.weight[at]))) ok = 0;
    }
    if (b == 0) {
        const int64_t nn = (int64_t)N * N;
        for (int64_t e = th.thread; e < nn; e += th.block_dim) {
            if (p.wf && !sg_ds_finite(p.wf[e])) ok = 0;
            if (p.ws && !sg_ds_finite(p.ws[e])) ok = 0;
        }
        for (int64_t e = th.thread; e < (int64_t)N * D; e += th.block_dim)
            if (!sg_ds_finite(p.u[e])) ok = 0;
        for (int64_t e = th.thread; e < N; e += th.block_dim)
            if (!sg_ds_finite(p.i0[e])) ok = 0;
        for (int64_t e = th.thread; e < (int64_t)R * N; e += th.block_dim)
            if (!sg_ds_finite(p.o[e])) ok = 0;
    }
    if (!ok) p.bad[b] = 1;   /* every writer writes 1 */
}

/* Phase A of step k for neuron i of sample b. */
SG_HD void sg_ds_fwd_a(const sg_ds_params& p, int b, int k, int i) {
    const int N = p.N, D = p.D, B = p.B;
    const size_t bi = (size_t)b * N + i;
    const double* xk = p.x + ((size_t)k * B + b) * D;
    double cur = (p.jf[bi] + p.js[bi]) + p.i0[i] + sg_ds_dot(p.u + (size_t)i * D, xk, D);
    p.ch[bi] = 0.0;
    if (!isfinite(cur)) {
        p.fk[bi] = 2;
        p.fv[bi] = cur;
        return;
    }
    double vn, du_dv, du_di;
    int n;
    double q = sg_ds_step(p.neuron, p.gate, p.width, p.dt, p.tau_v, p.v[bi], cur, &vn, &n,
                          p.keep ? &du_dv : (double*)0, p.keep ? &du_di : (double*)0);
    if (isnan(vn)) {
        p.fk[bi] = 1;
        p.fv[bi] = cur;
        return;
    }
    if (p.keep) {
        const size_t at = ((size_t)b * (p.T + 1) + k) * N + i, ak = ((size_t)b * p.T + k) * N + i;
        p.V[at] = p.v[bi];
        p.DV[ak] = du_dv;
        p.DI[ak] = du_di;
        p.NS[ak] = n;
    }
    if (p.spikes) p.spikes[((size_t)k * B + b) * N + i] = (signed char)(n > 127 ? 127 : (n < -127 ? -127 : n));
    if (p.counts) p.counts[bi] += n < 0 ? -n : n;
    p.ch[bi] = q;
    p.v[bi] = vn;
}

/* Phase B of step k for neuron i of sample b. */
SG_HD void sg_ds_fwd_b(const sg_ds_params& p, int b, int k, int i) {
    const int N = p.N;
    const size_t bi = (size_t)b * N + i;
    const double* c = p.ch + (size_t)b * N;
    double ss = p.as * p.ss[bi], jf = p.af * p.jf[bi], js = p.as * p.js[bi];
    for (int j = 0; j < N; j++) {
        const double q = c[j];
        if (q == 0.0) continue;
        if (j == i) ss += p.bs * q;
        if (p.wf) jf += (p.bf * q) * p.wf[(size_t)i * N + j];
        if (p.ws) js += (p.bs * q) * p.ws[(size_t)i * N + j];
    }
    p.ss[bi] = ss;
    p.jf[bi] = jf;
    p.js[bi] = js;
    if (p.keep) p.SS[((size_t)b * (p.T + 1) + k + 1) * N + i] = ss;
}

/* Phase C of step k (thread 0 of sample b). */
SG_HD void sg_ds_fwd_c(const sg_ds_params& p, int b, int k) {
    const int N = p.N, R = p.R, B = p.B;
    for (int i = 0; i < N; i++) {
        const size_t bi = (size_t)b * N + i;
        if (p.fk[bi] != 0) {
            double* d = p.diag + (size_t)b * 5;
            d[0] = p.fk[bi];
            d[1] = b;
            d[2] = k;
            d[3] = i;
            d[4] = p.fv[bi];
            p.status[b] = SG_ERR_BAD_PARAM;
            return;
        }
    }
    const double* ss = p.ss + (size_t)b * N;
    double l = 0;
    for (int r = 0; r < R; r++) {
        double o = sg_ds_dot(p.o + (size_t)r * N, ss, N);
        const size_t at = ((size_t)k * B + b) * R + r;
        double e = o - p.target[at];
        double we = p.weight ? p.weight[at] * e : e;
        l += we * e;
        if (p.readout) p.readout[at] = o;
        if (p.keep) p.E[((size_t)b * p.T + k) * R + r] = we;
    }
    if (p.lambda != 0) l += p.lambda * sg_ds_dot(ss, ss, N);
    p.total[b] += 0.5 * l;
}

SG_HD void sg_ds_forward_step(const sg_ds_params& p, sg_thread th, int s) {
    const int b = th.block, N = p.N, T = p.T;
    if (b >= p.B) return;
    if (s == 0) {
        if (th.thread == 0) {
            p.status[b] = SG_OK;
            p.bad[b] = 0;
            p.total[b] = 0.0;
        }
        for (int i = th.thread; i < N; i += th.block_dim) {
            const size_t bi = (size_t)b * N + i;
            p.v[bi] = p.v0[bi];
            p.ss[bi] = p.jf[bi] = p.js[bi] = p.ch[bi] = 0.0;
            p.fk[bi] = 0;
            if (p.counts) p.counts[bi] = 0;
            if (p.keep) p.SS[(size_t)b * (T + 1) * N + i] = 0.0;
        }
        return;
    }
    if (s == 1) {
        sg_ds_validate(p, th);
        return;
    }
    if (p.bad[b] || p.status[b] != SG_OK) return;
    if (s == 3 * T + 2) {
        if (th.thread == 0) p.loss[b] = p.total[b] / T;
        if (p.keep)
            for (int i = th.thread; i < N; i += th.block_dim)
                p.V[((size_t)b * (T + 1) + T) * N + i] = p.v[(size_t)b * N + i];
        return;
    }
    const int k = (s - 2) / 3, ph = (s - 2) % 3;
    if (ph == 0) {
        for (int i = th.thread; i < N; i += th.block_dim) sg_ds_fwd_a(p, b, k, i);
    } else if (ph == 1) {
        for (int i = th.thread; i < N; i += th.block_dim) sg_ds_fwd_b(p, b, k, i);
    } else if (th.thread == 0) {
        sg_ds_fwd_c(p, b, k);
    }
}

/* dst[i] += scale * ((O^T (w e)[k-1])_i + lambda s_slow[k]_i), the CPU kernel's add_source. */
SG_HD void sg_ds_add_source(const sg_ds_params& p, int b, int k, double scale, int i) {
    const int N = p.N, R = p.R;
    const double* e = p.E + ((size_t)b * p.T + (k - 1)) * R;
    const double* s = p.SS + ((size_t)b * (p.T + 1) + k) * N;
    double d = 0;
    for (int r = 0; r < R; r++) d += p.o[(size_t)r * N + i] * e[r];
    if (p.lambda != 0) d += p.lambda * s[i];
    p.dss[(size_t)b * N + i] += scale * d;
}

/* Backward phase A of step k for neuron i. */
SG_HD void sg_ds_bwd_a(const sg_ds_params& p, int b, int k, int i) {
    const int N = p.N, T = p.T;
    const size_t bi = (size_t)b * N + i;
    const double* vk = p.V + ((size_t)b * (T + 1) + k) * N;
    const double* vn = vk + N;
    const size_t ak = ((size_t)b * T + k) * N + i;
    const double* qf = p.qf + (size_t)b * N;
    const double* qs = p.qs + (size_t)b * N;
    double gv = sg_ds_gate_pdf(p.neuron, p.gate, p.width, vk[i]);
    double gn = sg_ds_gate_pdf(p.neuron, p.gate, p.width, vn[i]);
    double lam_c = 0.0;
    if (gv != 0.0 || gn != 0.0) {
        double lf = 0.0, ls = 0.0;
        if (p.wf) for (int j = 0; j < N; j++) lf += p.wf[(size_t)j * N + i] * qf[j];
        if (p.ws) for (int j = 0; j < N; j++) ls += p.ws[(size_t)j * N + i] * qs[j];
        ls = ls + p.dss[bi];
        lam_c = p.bf * lf + p.bs * ls;
    }
    double q;
    p.lamv[bi] = sg_ds_step_adjoint(p.neuron, p.gate, p.width, p.DV[ak], p.DI[ak], vk[i], vn[i], p.lamv[bi], lam_c, &q);
    p.q[bi] = q;
    double c = sg_ds_charge(p.neuron, p.gate, p.width, p.NS[ak], vk[i], vn[i]);
    if (c != 0.0) {
        const size_t row = ((size_t)b * N + i) * N;
        if (p.wf) {
            const double a = p.bf * c;
            for (int j = 0; j < N; j++) p.gwf_t[row + j] += a * qf[j];
        }
        if (p.ws) {
            const double a = p.bs * c;
            for (int j = 0; j < N; j++) p.gws_t[row + j] += a * qs[j];
        }
    }
}

/* Backward phase B of step k for neuron i. */
SG_HD void sg_ds_bwd_b(const sg_ds_params& p, int b, int k, int i, double scale) {
    const int N = p.N, D = p.D, B = p.B;
    const size_t bi = (size_t)b * N + i;
    const double q = p.q[bi];
    const double* xk = p.x + ((size_t)k * B + b) * D;
    p.gi0[bi] += q;
    double* gu = p.gu + bi * D;
    for (int m = 0; m < D; m++) gu[m] += q * xk[m];
    p.qf[bi] = p.af * p.qf[bi] + q;
    p.qs[bi] = p.as * p.qs[bi] + q;
    p.dss[bi] = p.as * p.dss[bi];
    if (k >= 1) sg_ds_add_source(p, b, k, scale, i);
}

SG_HD void sg_ds_backward_step(const sg_ds_params& p, sg_thread th, int s) {
    const int b = th.block, N = p.N, T = p.T, D = p.D, R = p.R;
    if (b >= p.B) return;
    const double scale = 1.0 / T;
    if (s == 0) {
        for (int i = th.thread; i < N; i += th.block_dim) {
            const size_t bi = (size_t)b * N + i;
            p.qf[bi] = p.qs[bi] = p.dss[bi] = p.lamv[bi] = 0.0;
            p.gi0[bi] = 0.0;
            for (int m = 0; m < D; m++) p.gu[bi * D + m] = 0.0;
            for (int r = 0; r < R; r++) p.go[((size_t)b * R + r) * N + i] = 0.0;
            for (int j = 0; j < N; j++) {
                if (p.wf) p.gwf_t[bi * N + j] = 0.0;
                if (p.ws) p.gws_t[bi * N + j] = 0.0;
            }
            sg_ds_add_source(p, b, T, 1.0 * scale, i);
        }
        return;
    }
    if (s == 2 * T + 1) {
        for (int i = th.thread; i < N; i += th.block_dim) {
            for (int k = 1; k <= T; k++) {
                const double* e = p.E + ((size_t)b * T + (k - 1)) * R;
                const double si = p.SS[((size_t)b * (T + 1) + k) * N + i];
                for (int r = 0; r < R; r++) p.go[((size_t)b * R + r) * N + i] += (scale * e[r]) * si;
            }
        }
        return;
    }
    const int m = (s - 1) / 2, k = T - 1 - m;
    if ((s - 1) % 2 == 0) {
        for (int i = th.thread; i < N; i += th.block_dim) sg_ds_bwd_a(p, b, k, i);
    } else {
        for (int i = th.thread; i < N; i += th.block_dim) sg_ds_bwd_b(p, b, k, i, scale);
    }
}

/* The batch means: entry e of the concatenation [W_fast | W_slow | U | I_0 | O | v0] (only the
 * groups present), samples summed in order, times 1/B (v0: each sample's lambda_v[0] / B). */
SG_HD void sg_ds_mean_thread(const sg_ds_params& p, double* g_wf, double* g_ws, double* g_u, double* g_i0, double* g_o,
                             double* g_v0, sg_thread th) {
    const int64_t N = p.N, B = p.B;
    const int64_t nwf = p.wf ? N * N : 0, nws = p.ws ? N * N : 0, nu = N * p.D, no = (int64_t)p.R * N;
    const int64_t nv = g_v0 ? B * N : 0;
    int64_t e = sg_global_index(th);
    const double scale = 1.0 / p.B;
    if (e < nwf + nws) {
        const bool fast = e < nwf;
        const int64_t f = fast ? e : e - nwf, i = f / N, j = f % N;
        const double* g = fast ? p.gwf_t : p.gws_t;
        double acc = 0.0;
        for (int64_t b = 0; b < B; b++) acc += g[(b * N + j) * N + i];
        (fast ? g_wf : g_ws)[f] = acc * scale;
        return;
    }
    e -= nwf + nws;
    const double* src;
    double* dst;
    int64_t len;
    if (e < nu) {
        src = p.gu, dst = g_u, len = nu;
    } else if ((e -= nu) < N) {
        src = p.gi0, dst = g_i0, len = N;
    } else if ((e -= N) < no) {
        src = p.go, dst = g_o, len = no;
    } else if ((e -= no) < nv) {
        g_v0[e] = p.lamv[e] * scale;
        return;
    } else {
        return;
    }
    double acc = 0.0;
    for (int64_t b = 0; b < B; b++) acc += src[b * len + e];
    dst[e] = acc * scale;
}

/* Entries sg_ds_mean_thread covers. */
SG_HD int64_t sg_ds_mean_count(const sg_ds_params& p, bool v0) {
    const int64_t N = p.N;
    return (p.wf ? N * N : 0) + (p.ws ? N * N : 0) + N * p.D + N + (int64_t)p.R * N + (v0 ? (int64_t)p.B * N : 0);
}

#endif
