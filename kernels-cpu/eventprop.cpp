// Exact EventProp on the CPU: event-driven forward, first-spike cross-entropy,
// adjoint backward, one sample per work item (eventprop.h). The per-neuron math is in
// eventprop_math.h; the order of every floating-point operation follows the Java
// reference (io.spikegrad.eventprop) so that both agree to rounding.
#include <cmath>
#include <cstdint>
#include <queue>
#include <vector>

#include "spikegrad/eventprop.h"
#include "thread_pool.h"

namespace {

struct Crossing {
    double t;
    int n;
    int version;
};

// Min-heap on (time, neuron), as the reference's compareTo among crossings.
struct Later {
    bool operator()(const Crossing& a, const Crossing& b) const {
        if (a.t != b.t) return a.t > b.t;
        return a.n > b.n;
    }
};

struct Net {
    int L, N, C;
    const int* sizes;
    std::vector<int64_t> woff;     // [L] offset of layer l's weights
    std::vector<int> noff;         // [L+1] offset of layer l's neurons
    std::vector<int> layer_of, local;
    const double *w, *tau_mem, *tau_syn, *theta;
    int64_t nw;
};

struct Batch {
    const double* in_times;
    const int* in_channels;
    const int* in_offsets;
    const int* labels;
    double T, tau0, tau1, alpha, vdot_floor;
    int max_spikes;
};

// Scratch of one part, reused for its samples.
struct Sample {
    const Net& net;
    const Batch& bt;
    std::vector<double> v, i, tlast, lam_v, lam_i, tadj;
    std::vector<int> version;
    std::priority_queue<Crossing, std::vector<Crossing>, Later> queue;
    std::vector<double> sp_time, sp_current, dspike;
    std::vector<int> sp_neuron;
    std::vector<int> first;
    std::vector<double> tf, z, dz;
    double* gw = nullptr;           // this sample's [Nw]
    double* gth = nullptr;          // this sample's [N]
    long long clamped = 0;
    int status = SG_OK;

    Sample(const Net& n, const Batch& b)
        : net(n), bt(b), v(n.N), i(n.N), tlast(n.N), lam_v(n.N), lam_i(n.N), tadj(n.N), version(n.N),
          first(n.C), tf(n.C), z(n.C), dz(n.C) {}

    void advance(int n, double t) {
        double d = t - tlast[n];
        if (!(d > 0)) return;
        double v0 = v[n], i0 = i[n], tm = net.tau_mem[n], ts = net.tau_syn[n];
        v[n] = sg_ep_voltage(d, v0, i0, tm, ts);
        i[n] = sg_ep_current(d, i0, ts);
        tlast[n] = t;
    }

    void predict(int n) {
        version[n]++;
        double d = sg_ep_crossing(v[n], i[n], net.tau_mem[n], net.tau_syn[n], net.theta[n], bt.T - tlast[n]);
        if (d != HUGE_VAL) queue.push(Crossing{tlast[n] + d, n, version[n]});
    }

    void deliver_input(int ch, double t) {
        int size = net.sizes[1];
        const double* w = net.w;                       // layer 0
        for (int j = 0; j < size; j++) {
            int n = j;
            advance(n, t);
            i[n] += w[(int64_t)ch * size + j];
            predict(n);
        }
    }

    bool fire(int n, double t) {
        advance(n, t);
        if ((int)sp_time.size() >= bt.max_spikes) return false;
        sp_time.push_back(t);
        sp_neuron.push_back(n);
        sp_current.push_back(i[n]);
        v[n] -= net.theta[n];
        int l = net.layer_of[n], j = net.local[n];
        if (l + 1 < net.L) {
            int size = net.sizes[l + 2], off = net.noff[l + 1];
            const double* w = net.w + net.woff[l + 1];
            for (int m = 0; m < size; m++) {
                int q = off + m;
                advance(q, t);
                i[q] += w[(int64_t)j * size + m];
                predict(q);
            }
        }
        predict(n);
        return true;
    }

    void adj_advance(int n, double t) {
        double d = tadj[n] - t;
        if (!(d > 0)) return;
        sg_ep_adjoint_advance(d, net.tau_mem[n], net.tau_syn[n], &lam_v[n], &lam_i[n]);
        tadj[n] = t;
    }

    // Runs sample b; returns its loss and writes its outputs. Sets status on error.
    double run(int b, int* pred, double* first_times, int* counts, int* total) {
        const int N = net.N, C = net.C, L = net.L;
        const double T = bt.T;
        for (int n = 0; n < N; n++) {
            v[n] = 0; i[n] = 0; tlast[n] = 0; version[n] = 0;
            lam_v[n] = 0; lam_i[n] = 0; tadj[n] = T;
        }
        while (!queue.empty()) queue.pop();
        sp_time.clear(); sp_current.clear(); sp_neuron.clear();
        const int e0 = bt.in_offsets[b];
        int e1 = bt.in_offsets[b + 1];
        while (e1 > e0 && !(bt.in_times[e1 - 1] <= T)) e1--;       // sorted: inputs after T are a suffix

        // ---- forward ----
        int e = e0;
        for (;;) {
            bool have_in = e < e1, have_q = !queue.empty();
            if (!have_in && !have_q) break;
            if (have_in && (!have_q || bt.in_times[e] <= queue.top().t)) {
                deliver_input(bt.in_channels[e], bt.in_times[e]);
                e++;
            } else {
                Crossing c = queue.top();
                queue.pop();
                if (c.version == version[c.n] && !fire(c.n, c.t)) {
                    status = SG_ERR_BAD_PARAM;             // runaway excitation
                    return 0;
                }
            }
        }
        const int K = (int)sp_time.size();
        const int out = net.noff[L - 1];

        // ---- loss: first-spike cross-entropy ----
        for (int c = 0; c < C; c++) { first[c] = -1; counts[c] = 0; }
        for (int k = 0; k < K; k++) {
            int n = sp_neuron[k];
            if (n >= out) {
                int c = n - out;
                if (first[c] < 0) first[c] = k;
                counts[c]++;
            }
        }
        if (total) *total = K;
        int best = -1;
        double best_t = HUGE_VAL;
        for (int c = 0; c < C; c++) {
            tf[c] = first[c] < 0 ? T : sp_time[first[c]];
            z[c] = -tf[c] / bt.tau0;
            first_times[c] = first[c] < 0 ? HUGE_VAL : tf[c];
            if (first[c] >= 0 && tf[c] < best_t) { best_t = tf[c]; best = c; }
        }
        *pred = best;
        int label = bt.labels[b];
        double mx = -HUGE_VAL;
        for (int c = 0; c < C; c++) mx = std::fmax(mx, z[c]);
        double sum = 0;
        for (int c = 0; c < C; c++) sum += dz[c] = std::exp(z[c] - mx);
        for (int c = 0; c < C; c++) dz[c] /= sum;
        dz[label] -= 1.0;
        double loss = -(z[label] - mx - std::log(sum));
        double reg = std::exp(tf[label] / bt.tau1);
        loss += bt.alpha * (reg - 1);
        dspike.assign(K, 0.0);
        for (int c = 0; c < C; c++) {
            if (first[c] < 0) continue;
            double d = -dz[c] / bt.tau0;
            if (c == label) d += bt.alpha * reg / bt.tau1;
            dspike[first[c]] += d;
        }

        // ---- backward ----
        for (int64_t q = 0; q < net.nw; q++) gw[q] = 0;
        for (int n = 0; n < N; n++) gth[n] = 0;
        int k = K - 1;
        e = e1 - 1;
        while (k >= 0 || e >= e0) {
            double tk = k >= 0 ? sp_time[k] : -HUGE_VAL;
            double te = e >= e0 ? bt.in_times[e] : -HUGE_VAL;
            if (k >= 0 && tk >= te) {
                int n = sp_neuron[k], l = net.layer_of[n], j = net.local[n];
                double t = tk;
                double s = 0;
                if (l + 1 < L) {
                    int size = net.sizes[l + 2], off = net.noff[l + 1];
                    const double* w = net.w + net.woff[l + 1];
                    double* g = gw + net.woff[l + 1];
                    double acc = 0;
                    for (int m = 0; m < size; m++) {
                        int q = off + m;
                        adj_advance(q, t);
                        g[(int64_t)j * size + m] -= net.tau_syn[q] * lam_i[q];
                        acc += w[(int64_t)j * size + m] * (lam_v[q] - lam_i[q]);
                    }
                    s += acc;
                }
                adj_advance(n, t);
                double tm = net.tau_mem[n], th = net.theta[n];
                double vdot = (sp_current[k] - th) / tm;
                if (!std::isfinite(vdot)) { status = SG_ERR_BAD_PARAM; return 0; }
                double floor = bt.vdot_floor * th / tm;
                if (vdot < floor) { vdot = floor; clamped++; }
                double c = dspike[k] + th * lam_v[n] + s;
                lam_v[n] = sg_ep_jump(lam_v[n], c, tm, vdot);
                gth[n] += tm * lam_v[n];
                k--;
            } else {
                int ch = bt.in_channels[e], size = net.sizes[1];
                for (int j = 0; j < size; j++) {
                    adj_advance(j, te);
                    gw[(int64_t)ch * size + j] -= net.tau_syn[j] * lam_i[j];
                }
                e--;
            }
        }
        return loss;
    }
};

}  // namespace

SG_API int sg_eventprop_batch(int layers, const int* sizes,
                              const double* weights, const double* tau_mem, const double* tau_syn,
                              const double* theta,
                              int batch, const double* in_times, const int* in_channels,
                              const int* in_offsets, const int* labels,
                              double duration, double tau0, double tau1, double alpha,
                              double vdot_floor, int max_spikes,
                              double* loss_out, int* predictions, double* first_times, int* out_counts,
                              int* spike_totals, double* grad_weights, double* grad_theta,
                              long long* clamped) {
    if (!sizes || !weights || !tau_mem || !tau_syn || !theta || !in_offsets || !labels || !loss_out ||
        !predictions || !first_times || !out_counts || !grad_weights || !clamped) {
        return SG_ERR_NULL_POINTER;
    }
    if (layers < 1 || batch < 1) return SG_ERR_BAD_SHAPE;
    for (int l = 0; l <= layers; l++) if (sizes[l] < 1) return SG_ERR_BAD_SHAPE;
    if (in_offsets[0] != 0) return SG_ERR_BAD_SHAPE;
    for (int b = 0; b < batch; b++) if (in_offsets[b + 1] < in_offsets[b]) return SG_ERR_BAD_SHAPE;
    const int E = in_offsets[batch];
    if (E > 0 && (!in_times || !in_channels)) return SG_ERR_NULL_POINTER;
    if (!(duration > 0) || !std::isfinite(duration) || !(tau0 > 0) || !(tau1 > 0) || !(alpha >= 0) ||
        !(vdot_floor > 0) || max_spikes < 1) {
        return SG_ERR_BAD_PARAM;
    }
    try {
        Net net;
        net.L = layers;
        net.sizes = sizes;
        net.w = weights;
        net.tau_mem = tau_mem;
        net.tau_syn = tau_syn;
        net.theta = theta;
        net.woff.resize(layers);
        net.noff.resize(layers + 1);
        int64_t nw = 0, N = 0;
        for (int l = 0; l < layers; l++) {
            net.woff[l] = nw;
            net.noff[l] = (int)N;
            nw += (int64_t)sizes[l] * sizes[l + 1];
            N += sizes[l + 1];
            if (N > INT32_MAX) return SG_ERR_BAD_SHAPE;
        }
        net.noff[layers] = (int)N;
        net.N = (int)N;
        net.nw = nw;
        net.C = sizes[layers];
        net.layer_of.resize(N);
        net.local.resize(N);
        for (int l = 0; l < layers; l++) {
            for (int j = 0; j < sizes[l + 1]; j++) {
                net.layer_of[net.noff[l] + j] = l;
                net.local[net.noff[l] + j] = j;
            }
        }
        for (int64_t n = 0; n < N; n++) {
            if (!(tau_mem[n] > 0) || !(tau_syn[n] > 0) || !std::isfinite(tau_mem[n]) || !std::isfinite(tau_syn[n]) ||
                !(theta[n] > 0) || !std::isfinite(theta[n])) {
                return SG_ERR_BAD_PARAM;
            }
        }
        for (int b = 0; b < batch; b++) {
            if (labels[b] < 0 || labels[b] >= net.C) return SG_ERR_BAD_PARAM;
            for (int e = in_offsets[b]; e < in_offsets[b + 1]; e++) {
                if (!std::isfinite(in_times[e]) || in_channels[e] < 0 || in_channels[e] >= sizes[0]) return SG_ERR_BAD_PARAM;
                if (e > in_offsets[b] && in_times[e] < in_times[e - 1]) return SG_ERR_BAD_PARAM;
            }
        }
        Batch bt{in_times, in_channels, in_offsets, labels, duration, tau0, tau1, alpha, vdot_floor, max_spikes};

        // Per-sample gradients, reduced in sample order below (thread-count independent).
        std::vector<double> gw((size_t)batch * nw), gth((size_t)batch * N), losses(batch);
        std::vector<long long> clamps(batch, 0);
        std::vector<int> status(batch, SG_OK);
        std::vector<int> totals(batch, 0);

        sg::parallel_for(batch, [&](int, int64_t begin, int64_t end) {
            try {
                Sample s(net, bt);
                for (int64_t b = begin; b < end; b++) {
                    s.gw = gw.data() + b * nw;
                    s.gth = gth.data() + b * N;
                    s.clamped = 0;
                    s.status = SG_OK;
                    losses[b] = s.run((int)b, predictions + b, first_times + b * net.C, out_counts + b * net.C,
                                      totals.data() + b);
                    clamps[b] = s.clamped;
                    status[b] = s.status;
                }
            } catch (...) {
                for (int64_t b = begin; b < end; b++) if (status[b] == SG_OK) status[b] = SG_ERR_ALLOC;
            }
        });
        for (int b = 0; b < batch; b++) if (status[b] != SG_OK) return status[b];

        const double scale = 1.0 / batch;
        double total = 0;
        long long cl = 0;
        for (int64_t q = 0; q < nw; q++) grad_weights[q] = 0;
        if (grad_theta) for (int64_t n = 0; n < N; n++) grad_theta[n] = 0;
        for (int b = 0; b < batch; b++) {
            total += losses[b];
            cl += clamps[b];
            const double* g = gw.data() + (size_t)b * nw;
            for (int64_t q = 0; q < nw; q++) grad_weights[q] += scale * g[q];
            if (grad_theta) {
                const double* h = gth.data() + (size_t)b * N;
                for (int64_t n = 0; n < N; n++) grad_theta[n] += scale * h[n];
            }
            if (spike_totals) spike_totals[b] = totals[b];
        }
        *loss_out = total / batch;
        *clamped = cl;
        return SG_OK;
    } catch (...) {
        return SG_ERR_ALLOC;
    }
}
