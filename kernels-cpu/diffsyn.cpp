// The differentiable synapse of Huh & Sejnowski (2018) on the CPU: forward and exact
// discrete adjoint (diffsyn.h), one sample per work item.
//
// Equations (paper eqs. 2-4 and the cost of sec. 5; the discretisation and its adjoint are
// spelled out in diffsyn_math.h, where the per-neuron math lives):
//   tau ds/dt = -s + g(v) dv/dt      (2)    dv/dt = f(v, I)    (3)
//   I = W_fast s_fast + W_slow s_slow + U i + I_0    (4)        o = O s_slow
//   l = (|o - o_d|^2 + lambda |s_slow|^2)/2, each squared error weighted by weight[k][b][r] when given
// Backward: the discrete counterpart of the supplement's adjoint (eqs. 5-7),
//   lam_s[k]  = a lam_s[k+1] + W^T q[k] (+ dl/ds)       q = dL/dI  ("d_I f p_v", eq. 7)
//   grad W    = sum_k q[k] s[k]^T,  grad U = sum_k q[k] x[k]^T,  grad I_0 = sum_k q[k]
//   grad O    = sum_k w (o - o_d)[k+1] s_slow[k+1]^T             (the gradients of sec. 4.3)
//
// Event-driven: s changes by b c only where a neuron's charge c is nonzero (a few steps
// around each spike), so
//   W s[k+1]   = a W s[k] + b sum_{j: c_j != 0} c_j W[:, j]
//   lam_s[k]   = W^T Q[k],  Q[k] = a Q[k+1] + q[k]   (needed only where a gate is open)
//   grad W     = sum_k q[k] s[k]^T = sum_m b c[m] Q[m+1]^T   (columns of spiking neurons only)
// which are the dense formulas rearranged: O(N) per step plus O(N) per open gate, instead
// of O(N^2) per step.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "spikegrad/diffsyn.h"
#include "thread_pool.h"

namespace {

struct Net {
    sg_diffsyn_config c;
    int T, B, N, D, R;
    const double *u, *i0, *o;
    bool fast, slow;
    std::vector<double> wf_t, ws_t;   // transposes: row j = column j of W (from neuron j)
    double af, bf, as, bs;
    const double *x, *target, *weight, *v0;   // weight may be NULL (all 1)
};

// dot(a, b) over n.
inline double dot(const double* __restrict a, const double* __restrict b, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) s += a[k] * b[k];
    return s;
}

// y += alpha * a over n.
inline void axpy(double* __restrict y, const double* __restrict a, double alpha, int n) {
    for (int k = 0; k < n; k++) y[k] += alpha * a[k];
}

// Scratch of one part, reused for its samples.
struct Sample {
    const Net& net;
    bool keep;   // keep the trajectory for the backward pass
    std::vector<double> v, ss, jf, js, ic;
    std::vector<int> act;
    std::vector<double> act_c;
    // trajectory
    std::vector<double> V, DV, DI, SS, E;   // v[k], du/dv, du/dI of step k, s_slow[k], w e[k]
    std::vector<int> NS;
    // backward
    std::vector<double> qf, qs, dss, lamv, q, gwf_t, gws_t;

    Sample(const Net& n, bool backward)
        : net(n), keep(backward), v(n.N), ss(n.N), jf(n.N), js(n.N), ic(n.N), act(n.N), act_c(n.N) {
        if (keep) {
            size_t TN = (size_t)n.T * n.N;
            V.resize(TN + n.N);
            DV.resize(TN);
            DI.resize(TN);
            SS.resize(TN + n.N);
            E.resize((size_t)n.T * n.R);
            NS.resize(TN);
            qf.resize(n.N);
            qs.resize(n.N);
            dss.resize(n.N);
            lamv.resize(n.N);
            q.resize(n.N);
            if (n.fast) gwf_t.resize((size_t)n.N * n.N);
            if (n.slow) gws_t.resize((size_t)n.N * n.N);
        }
    }

    // Forward of sample b. Returns a status; on divergence fills diag.
    int forward(int b, double* loss_b, double* readout, signed char* spikes, int* counts, double* diag) {
        const Net& m = net;
        const int N = m.N, D = m.D, R = m.R, B = m.B;
        const sg_diffsyn_config& c = m.c;
        for (int i = 0; i < N; i++) {
            v[i] = m.v0[(size_t)b * N + i];
            ss[i] = jf[i] = js[i] = 0.0;
        }
        if (counts) for (int i = 0; i < N; i++) counts[i] = 0;
        double total = 0;
        for (int k = 0; k < m.T; k++) {
            const double* xk = m.x + ((size_t)k * B + b) * D;
            int nact = 0;
            for (int i = 0; i < N; i++) {
                double cur = (jf[i] + js[i]) + m.i0[i] + dot(m.u + (size_t)i * D, xk, D);
                if (!std::isfinite(cur)) return diverged(diag, 2, b, k, i, cur);
                double vn, du_dv, du_di;
                int n;
                double q = sg_ds_step(c.neuron, c.gate, c.width, c.dt, c.tau_v, v[i], cur, &vn, &n,
                                      keep ? &du_dv : nullptr, keep ? &du_di : nullptr);
                if (std::isnan(vn)) return diverged(diag, 1, b, k, i, cur);
                if (keep) {
                    V[(size_t)k * N + i] = v[i];
                    DV[(size_t)k * N + i] = du_dv;
                    DI[(size_t)k * N + i] = du_di;
                    NS[(size_t)k * N + i] = n;
                }
                if (spikes) spikes[((size_t)k * B + b) * N + i] = (signed char)(n > 127 ? 127 : (n < -127 ? -127 : n));
                if (counts) counts[i] += std::abs(n);
                if (q != 0.0) {
                    act[nact] = i;
                    act_c[nact] = q;
                    nact++;
                }
                v[i] = vn;
            }
            for (int i = 0; i < N; i++) {
                ss[i] = m.as * ss[i];
                jf[i] = m.af * jf[i];
                js[i] = m.as * js[i];
            }
            for (int a = 0; a < nact; a++) {
                int j = act[a];
                double q = act_c[a];
                ss[j] += m.bs * q;
                if (m.fast) axpy(jf.data(), m.wf_t.data() + (size_t)j * N, m.bf * q, N);
                if (m.slow) axpy(js.data(), m.ws_t.data() + (size_t)j * N, m.bs * q, N);
            }
            double l = 0;
            for (int r = 0; r < R; r++) {
                double o = dot(m.o + (size_t)r * N, ss.data(), N);
                const size_t at = ((size_t)k * B + b) * R + r;
                double e = o - m.target[at];
                double we = m.weight ? m.weight[at] * e : e;
                l += we * e;
                if (readout) readout[at] = o;
                if (keep) E[(size_t)k * R + r] = we;
            }
            if (c.lambda != 0) l += c.lambda * dot(ss.data(), ss.data(), N);
            total += 0.5 * l;
            if (keep) for (int i = 0; i < N; i++) SS[(size_t)(k + 1) * N + i] = ss[i];
        }
        if (keep) {
            for (int i = 0; i < N; i++) {
                V[(size_t)m.T * N + i] = v[i];
                SS[i] = 0.0;
            }
        }
        *loss_b = total / m.T;
        return SG_OK;
    }

    // d[k] = (O^T (w e)[k-1] + lambda s_slow[k]) / T for k = 1 .. T, added into dst.
    void add_source(int k, double scale, double* dst) const {
        const Net& m = net;
        const int N = m.N, R = m.R;
        const double* e = E.data() + (size_t)(k - 1) * R;
        const double* s = SS.data() + (size_t)k * N;
        for (int i = 0; i < N; i++) {
            double d = 0;
            for (int r = 0; r < R; r++) d += m.o[(size_t)r * N + i] * e[r];
            if (m.c.lambda != 0) d += m.c.lambda * s[i];
            dst[i] += scale * d;
        }
    }

    // Backward of sample b after forward(b): this sample's gradients of loss_b (unscaled by 1/B).
    void backward(int b, double* g_u, double* g_i0, double* g_o, double* g_v0) {
        const Net& m = net;
        const int N = m.N, D = m.D, R = m.R, B = m.B, T = m.T;
        const sg_diffsyn_config& c = m.c;
        const double scale = 1.0 / T;
        for (int i = 0; i < N; i++) qf[i] = qs[i] = dss[i] = lamv[i] = 0.0;
        if (m.fast) std::fill(gwf_t.begin(), gwf_t.end(), 0.0);
        if (m.slow) std::fill(gws_t.begin(), gws_t.end(), 0.0);
        for (int i = 0; i < N * D; i++) g_u[i] = 0.0;
        for (int i = 0; i < N; i++) g_i0[i] = 0.0;
        for (int i = 0; i < R * N; i++) g_o[i] = 0.0;
        add_source(T, 1.0 * scale, dss.data());
        for (int k = T - 1; k >= 0; k--) {
            // here qf = Q_fast[k+1], qs = Q_slow[k+1], dss = the loss part of lam_slow[k+1]
            const double* vk = V.data() + (size_t)k * N;
            const double* vn = vk + N;
            const double* dvk = DV.data() + (size_t)k * N;
            const double* dik = DI.data() + (size_t)k * N;
            const int* nk = NS.data() + (size_t)k * N;
            for (int i = 0; i < N; i++) {
                double gv = sg_ds_gate_pdf(c.neuron, c.gate, c.width, vk[i]);
                double gn = sg_ds_gate_pdf(c.neuron, c.gate, c.width, vn[i]);
                double lam_c = 0.0;
                if (gv != 0.0 || gn != 0.0) {
                    double lf = m.fast ? dot(m.wf_t.data() + (size_t)i * N, qf.data(), N) : 0.0;
                    double ls = (m.slow ? dot(m.ws_t.data() + (size_t)i * N, qs.data(), N) : 0.0) + dss[i];
                    lam_c = m.bf * lf + m.bs * ls;
                }
                lamv[i] = sg_ds_step_adjoint(c.neuron, c.gate, c.width, dvk[i], dik[i], vk[i], vn[i], lamv[i], lam_c,
                                             &q[i]);
                double ch = sg_ds_charge(c.neuron, c.gate, c.width, nk[i], vk[i], vn[i]);
                if (ch != 0.0) {
                    if (m.fast) axpy(gwf_t.data() + (size_t)i * N, qf.data(), m.bf * ch, N);
                    if (m.slow) axpy(gws_t.data() + (size_t)i * N, qs.data(), m.bs * ch, N);
                }
            }
            const double* xk = m.x + ((size_t)k * B + b) * D;
            for (int i = 0; i < N; i++) {
                g_i0[i] += q[i];
                axpy(g_u + (size_t)i * D, xk, q[i], D);
                qf[i] = m.af * qf[i] + q[i];
                qs[i] = m.as * qs[i] + q[i];
                dss[i] = m.as * dss[i];
            }
            if (k >= 1) add_source(k, scale, dss.data());
        }
        // grad O = (1/T) sum_{k=1..T} (w e)[k-1] s_slow[k]^T
        for (int k = 1; k <= T; k++) {
            const double* e = E.data() + (size_t)(k - 1) * R;
            const double* s = SS.data() + (size_t)k * N;
            for (int r = 0; r < R; r++) axpy(g_o + (size_t)r * N, s, scale * e[r], N);
        }
        if (g_v0) for (int i = 0; i < N; i++) g_v0[i] = lamv[i];
    }

    static int diverged(double* diag, int kind, int b, int k, int i, double value) {
        if (diag) {
            diag[0] = kind;
            diag[1] = b;
            diag[2] = k;
            diag[3] = i;
            diag[4] = value;
        }
        return SG_ERR_BAD_PARAM;
    }
};

bool finite_all(const double* p, size_t n) {
    for (size_t k = 0; k < n; k++) if (!std::isfinite(p[k])) return false;
    return true;
}

void transpose(const double* w, int n, std::vector<double>& out) {
    out.resize((size_t)n * n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) out[(size_t)j * n + i] = w[(size_t)i * n + j];
}

int check(const sg_diffsyn_config* c, const double* u, const double* i0, const double* o, const double* x,
          const double* target, const double* v0, const double* loss) {
    if (!c) return SG_ERR_NULL_POINTER;
    if (!u || !i0 || !o || !x || !target || !v0 || !loss) return SG_ERR_NULL_POINTER;
    if (c->steps < 1 || c->batch < 1 || c->neurons < 1 || c->inputs < 1 || c->outputs < 1) return SG_ERR_BAD_SHAPE;
    if (c->neurons > 46340) return SG_ERR_BAD_SHAPE;   // N*N fits in int
    int64_t tb = (int64_t)c->steps * c->batch;
    if (tb * c->neurons > ((int64_t)1 << 40) || tb * c->inputs > ((int64_t)1 << 40) ||
        tb * c->outputs > ((int64_t)1 << 40)) {
        return SG_ERR_BAD_SHAPE;
    }
    if (c->neuron < SG_DS_NIF || c->neuron > SG_DS_LIF || c->gate < SG_DS_BOX || c->gate > SG_DS_BUMP) return SG_ERR_BAD_ENUM;
    auto pos = [](double t) { return t > 0 && std::isfinite(t); };
    if (!pos(c->dt) || !pos(c->tau_fast) || !pos(c->tau_slow)) return SG_ERR_BAD_PARAM;
    if (c->neuron != SG_DS_NIF && !pos(c->tau_v)) return SG_ERR_BAD_PARAM;
    if (!(c->width > 0 && c->width < 1)) return SG_ERR_BAD_PARAM;
    if (!(c->lambda >= 0) || !std::isfinite(c->lambda)) return SG_ERR_BAD_PARAM;
    return SG_OK;
}

int run(const sg_diffsyn_config* cfg, const double* w_fast, const double* w_slow, const double* u,
        const double* i0, const double* o, const double* x, const double* target, const double* weight,
        const double* v0,
        double* loss, double* readout, signed char* spikes, int* spike_counts,
        bool backward, double* g_w_fast, double* g_w_slow, double* g_u, double* g_i0, double* g_o, double* g_v0,
        double* diag) {
    int st = check(cfg, u, i0, o, x, target, v0, loss);
    if (st != SG_OK) return st;
    if (backward && (!g_u || !g_i0 || !g_o || (w_fast && !g_w_fast) || (w_slow && !g_w_slow))) return SG_ERR_NULL_POINTER;
    try {
        Net m;
        m.c = *cfg;
        m.T = cfg->steps;
        m.B = cfg->batch;
        m.N = cfg->neurons;
        m.D = cfg->inputs;
        m.R = cfg->outputs;
        const int N = m.N, B = m.B, T = m.T;
        m.u = u;
        m.i0 = i0;
        m.o = o;
        m.x = x;
        m.target = target;
        m.weight = weight;
        m.v0 = v0;
        m.fast = w_fast != nullptr;
        m.slow = w_slow != nullptr;
        if ((m.fast && !finite_all(w_fast, (size_t)N * N)) || (m.slow && !finite_all(w_slow, (size_t)N * N)) ||
            !finite_all(u, (size_t)N * m.D) || !finite_all(i0, N) || !finite_all(o, (size_t)m.R * N) ||
            !finite_all(x, (size_t)T * B * m.D) || !finite_all(target, (size_t)T * B * m.R)) {
            return SG_ERR_BAD_PARAM;
        }
        if (weight) {
            const size_t nw = (size_t)T * B * m.R;
            for (size_t k = 0; k < nw; k++) if (!(weight[k] >= 0) || !std::isfinite(weight[k])) return SG_ERR_BAD_PARAM;
        }
        for (size_t k = 0; k < (size_t)B * N; k++) if (!sg_ds_in_range(cfg->neuron, v0[k])) return SG_ERR_BAD_PARAM;
        if (m.fast) transpose(w_fast, N, m.wf_t);
        if (m.slow) transpose(w_slow, N, m.ws_t);
        m.af = std::exp(-cfg->dt / cfg->tau_fast);
        m.bf = (1.0 - m.af) / cfg->dt;
        m.as = std::exp(-cfg->dt / cfg->tau_slow);
        m.bs = (1.0 - m.as) / cfg->dt;

        const size_t nwf = m.fast ? (size_t)N * N : 0, nws = m.slow ? (size_t)N * N : 0;
        const size_t nu = (size_t)N * m.D, no = (size_t)m.R * N;
        const size_t per = nwf + nws + nu + N + no;   // one sample's gradients, in that order
        std::vector<double> grads(backward ? (size_t)B * per : 0);
        std::vector<int> status(B, SG_OK);
        std::vector<double> diags((size_t)B * 5, 0.0);

        sg::parallel_for(B, [&](int, int64_t begin, int64_t end) {
            try {
                Sample s(m, backward);
                for (int64_t b = begin; b < end; b++) {
                    int r = s.forward((int)b, loss + b, readout, spikes, spike_counts ? spike_counts + b * N : nullptr,
                                      diags.data() + b * 5);
                    status[b] = r;
                    if (r != SG_OK || !backward) continue;
                    double* g = grads.data() + (size_t)b * per;
                    s.backward((int)b, g + nwf + nws, g + nwf + nws + nu, g + nwf + nws + nu + N,
                               g_v0 ? g_v0 + b * N : nullptr);
                    // this sample's weight gradients, transposed back to [post][pre]
                    for (int i = 0; i < N; i++)
                        for (int j = 0; j < N; j++) {
                            if (m.fast) g[(size_t)i * N + j] = s.gwf_t[(size_t)j * N + i];
                            if (m.slow) g[nwf + (size_t)i * N + j] = s.gws_t[(size_t)j * N + i];
                        }
                }
            } catch (...) {
                for (int64_t b = begin; b < end; b++) if (status[b] == SG_OK) status[b] = SG_ERR_ALLOC;
            }
        });
        for (int b = 0; b < B; b++) {
            if (status[b] != SG_OK) {
                if (diag) for (int k = 0; k < 5; k++) diag[k] = diags[(size_t)b * 5 + k];
                return status[b];
            }
        }
        if (!backward) return SG_OK;

        // Batch mean in sample order (thread-count independent).
        const double scale = 1.0 / B;
        double* outs[5] = {g_w_fast, g_w_slow, g_u, g_i0, g_o};
        size_t lens[5] = {nwf, nws, nu, (size_t)N, no};
        size_t off = 0;
        for (int p = 0; p < 5; p++) {
            if (lens[p] == 0) continue;
            double* dst = outs[p];
            for (size_t k = 0; k < lens[p]; k++) dst[k] = 0.0;
            for (int b = 0; b < B; b++) {
                const double* g = grads.data() + (size_t)b * per + off;
                for (size_t k = 0; k < lens[p]; k++) dst[k] += g[k];
            }
            for (size_t k = 0; k < lens[p]; k++) dst[k] *= scale;
            off += lens[p];
        }
        if (g_v0) for (size_t k = 0; k < (size_t)B * N; k++) g_v0[k] *= scale;
        return SG_OK;
    } catch (...) {
        return SG_ERR_ALLOC;
    }
}

}  // namespace

SG_API int sg_diffsyn_forward(const sg_diffsyn_config* cfg,
                              const double* w_fast, const double* w_slow, const double* u,
                              const double* i0, const double* o,
                              const double* x, const double* target, const double* weight, const double* v0,
                              double* loss, double* readout, signed char* spikes, int* spike_counts,
                              double* diag) {
    return run(cfg, w_fast, w_slow, u, i0, o, x, target, weight, v0, loss, readout, spikes, spike_counts, false,
               nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, diag);
}

SG_API int sg_diffsyn_forward_backward(const sg_diffsyn_config* cfg,
                                       const double* w_fast, const double* w_slow, const double* u,
                                       const double* i0, const double* o,
                                       const double* x, const double* target, const double* weight,
                                       const double* v0,
                                       double* loss, double* readout, signed char* spikes, int* spike_counts,
                                       double* g_w_fast, double* g_w_slow, double* g_u, double* g_i0,
                                       double* g_o, double* g_v0, double* diag) {
    return run(cfg, w_fast, w_slow, u, i0, o, x, target, weight, v0, loss, readout, spikes, spike_counts, true,
               g_w_fast, g_w_slow, g_u, g_i0, g_o, g_v0, diag);
}
