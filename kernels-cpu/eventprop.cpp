// Exact EventProp on the CPU (Wunderlich & Pehle; API and buffers in eventprop.h).
//
// Equations, paper numbering (shared/papers/eventprop-wunderlich-pehle.md, DESIGN.md):
//   forward, table 1:   tau_mem dV/dt = -V + I, tau_syn dI/dt = -I between events, in closed
//                       form (eventprop_math.h); a spike when V crosses theta upwards (a root,
//                       bracketed and polished, never stepped); V -> V - theta and
//                       I_m -> I_m + w_nm for every target m of the firing neuron n.
//   spike-time sensitivity (lost eqs. 13-15, restored in DESIGN.md): tau_k = -(s_V^-)_n / Vdot_n^-.
//   backward, table 2 / eqs. (10a-b): tau_mem lambda_V' = -lambda_V - dl_V/dV,
//                       tau_syn lambda_I' = -lambda_I + lambda_V, in closed form between events.
//   jump, eqs. (30a-c) with (33): at spike k of neuron n
//                       lambda_Vn^- = lambda_Vn^+ + [dL/dt_k + theta lambda_Vn^+
//                                     + sum_m w_nm (lambda_Vm^+ - lambda_Im^+)] / (tau_mem Vdot_n^-),
//                       every other lambda continuous.
//   gradients, eq. (2): dL/dw_nm = -tau_syn,m sum_{spikes of n} lambda_Im;
//              eq. (34): input weights alike at the fixed input spike times;
//              thresholds dL/dtheta_n = tau_mem,n sum lambda_Vn^- (derivation in EventPropBackward).
//   voltage losses on an LI readout (table 2's l_V; readout neurons never spike, so l_V^- = l_V^+):
//              mean: the constant source dl_V/dV = (dL/dm_c)/T; max: a lambda_V impulse
//              -(dL/dz_c)/tau_mem at the argmax, plus (dL/dz_c) Vdot_c^- in C of the spike whose
//              arrival made the maximum a kink.
//   loss, eq. (35) with xi tau_syn = tau0, beta tau_syn = tau1.
//   optional per-sample gradient-norm limit (eventprop.h), against the 1/Vdot divergence of
//   near-tangential crossings (paper section 4).
//
// The order of every floating-point operation follows the Java reference
// (io.spikegrad.eventprop: EventPropSimulator, EventPropBackward, EventLosses) so that both
// agree to rounding. Per-neuron math lives in eventprop_math.h only.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <queue>
#include <vector>

#include "spikegrad/eventprop.h"
#include "thread_pool.h"

namespace {

// argmax codes of a readout maximum (ForwardTrace.AT_START / SMOOTH); >= 0 is a spike index.
constexpr int AT_START = -2;
constexpr int SMOOTH = -1;

struct Crossing {
    double t;
    int n;
    int version;
};

// Min-heap on (time, neuron), as the reference's ordering among crossings.
struct Later {
    bool operator()(const Crossing& a, const Crossing& b) const {
        if (a.t != b.t) return a.t > b.t;
        return a.n > b.n;
    }
};

struct Net {
    int L = 0, N = 0, C = 0, inputs = 0;
    bool readout = false;
    int loss = 0;
    const int* sizes = nullptr;
    std::vector<int64_t> woff;     // [L] offset of layer l's weights in weights / the gradient
    std::vector<int64_t> roff;     // [L] offset of layer l's recurrent weights in rec_weights, -1 if none
    std::vector<int> noff;         // [L+1] offset of layer l's neurons
    std::vector<int> layer_of, local;
    const double *w = nullptr, *rw = nullptr, *tau_mem = nullptr, *tau_syn = nullptr, *theta = nullptr;
    int64_t nw = 0, nr = 0;
    int rofs = 0;                  // first readout / output neuron
    int64_t grad_size() const { return nw + nr + N; }
    bool spiking(int l) const { return !(readout && l == L - 1); }
};

struct Batch {
    const double* in_times;
    const int* in_channels;
    const int* in_offsets;
    const int* labels;
    double T, tau0, tau1, alpha, vdot_floor, sample_clip;
    int max_spikes;
    bool gradients;
};

// Scratch of one part of the batch, reused for its samples.
struct Sample {
    const Net& net;
    const Batch& bt;
    // forward state
    std::vector<double> v, i, tlast;
    std::vector<int> version;
    std::priority_queue<Crossing, std::vector<Crossing>, Later> queue;
    // the trace kept for the backward: per spike time, neuron, I^-; per readout neuron 5 numbers
    std::vector<double> sp_time, sp_current;
    std::vector<int> sp_neuron;
    std::vector<double> max_v, arg_t, arg_vdot, integral;
    std::vector<int> arg_spike;
    // loss
    std::vector<int> first, counts;
    std::vector<double> z, dz, dspike, dmax, dmean;
    // backward
    std::vector<double> lam_v, lam_i, tadj, src;
    std::vector<int> kink_head, kink_next;          // per spike: readouts whose max is its arrival kink
    std::vector<int> impulses;                      // readouts with a smooth maximum, latest first
    std::vector<double> g;                          // this sample's gradient [nw | nr | N]
    std::vector<char> touched;                      // per unit (inputs, then neurons): rows of g written
    std::vector<int> touched_list;
    long long clamped = 0;
    int status = SG_OK;

    Sample(const Net& n, const Batch& b)
        : net(n), bt(b), v(n.N), i(n.N), tlast(n.N), version(n.N),
          max_v(n.C), arg_t(n.C), arg_vdot(n.C), integral(n.C), arg_spike(n.C),
          first(n.C), counts(n.C), z(n.C), dz(n.C), dmax(n.C), dmean(n.C),
          lam_v(n.N), lam_i(n.N), tadj(n.N), src(n.N), kink_next(n.C),
          g(b.gradients ? n.grad_size() : 0), touched(b.gradients ? n.inputs + n.N : 0) {}

    // ---------------- forward (EventPropSimulator) ----------------

    // Moves neuron n to time t; a readout neuron also integrates V and tracks its maximum
    // (inside the gap at Vdot = 0, and at t, which is a kink when cause >= 0).
    void advance(int n, double t, int cause) {
        double d = t - tlast[n];
        if (!(d > 0)) return;
        double v0 = v[n], i0 = i[n], tm = net.tau_mem[n], ts = net.tau_syn[n];
        double v1 = sg_ep_voltage(d, v0, i0, tm, ts);
        double i1 = sg_ep_current(d, i0, ts);
        if (net.readout && n >= net.rofs) {
            int c = n - net.rofs;
            integral[c] += sg_ep_integral(d, v0, i0, tm, ts);
            if (i0 > v0) {                              // rising at the start: an interior critical point is a maximum
                double dp = sg_ep_peak_time(v0, i0, tm, ts);
                if (dp < d) {
                    double vp = sg_ep_voltage(dp, v0, i0, tm, ts);
                    if (vp > max_v[c]) {
                        max_v[c] = vp;
                        arg_t[c] = tlast[n] + dp;
                        arg_spike[c] = SMOOTH;
                    }
                }
            }
            if (v1 > max_v[c]) {
                max_v[c] = v1;
                arg_t[c] = t;
                arg_spike[c] = cause;
                arg_vdot[c] = sg_ep_vdot(v1, i1, tm);
            }
        }
        v[n] = v1;
        i[n] = i1;
        tlast[n] = t;
    }

    void predict(int n) {
        version[n]++;
        double d = sg_ep_crossing(v[n], i[n], net.tau_mem[n], net.tau_syn[n], net.theta[n], bt.T - tlast[n]);
        if (d != HUGE_VAL) queue.push(Crossing{tlast[n] + d, n, version[n]});
    }

    void deliver_input(int ch, double t) {
        int size = net.sizes[1];
        bool spiking = net.spiking(0);
        for (int j = 0; j < size; j++) {
            advance(j, t, SMOOTH);                      // an input arrival is at a fixed time: no kink term
            i[j] += net.w[(int64_t)ch * size + j];
            if (spiking) predict(j);
        }
    }

    // Row j of w ([.][size]) onto neurons off..off+size-1, at the time of spike k.
    void deliver(const double* w, int j, int size, int off, bool spiking, double t, int k) {
        for (int m = 0; m < size; m++) {
            int q = off + m;
            advance(q, t, k);
            i[q] += w[(int64_t)j * size + m];
            if (spiking) predict(q);
        }
    }

    bool fire(int n, double t) {
        advance(n, t, SMOOTH);
        if ((int)sp_time.size() >= bt.max_spikes) return false;
        int k = (int)sp_time.size();
        sp_time.push_back(t);
        sp_neuron.push_back(n);
        sp_current.push_back(i[n]);
        v[n] -= net.theta[n];                           // reset by subtraction, V^- = theta to rounding
        int l = net.layer_of[n], j = net.local[n];
        if (l + 1 < net.L) {
            deliver(net.w + net.woff[l + 1], j, net.sizes[l + 2], net.noff[l + 1], net.spiking(l + 1), t, k);
        }
        if (net.roff[l] >= 0) deliver(net.rw + net.roff[l], j, net.sizes[l + 1], net.noff[l], true, t, k);
        predict(n);
        return true;
    }

    // ---------------- losses (EventLosses) ----------------

    // -log softmax(z)[label]; dz = softmax(z) - onehot(label).
    double cross_entropy(int label) {
        const int C = net.C;
        double mx = -HUGE_VAL;
        for (int c = 0; c < C; c++) mx = std::fmax(mx, z[c]);
        double sum = 0;
        for (int c = 0; c < C; c++) sum += dz[c] = std::exp(z[c] - mx);
        for (int c = 0; c < C; c++) dz[c] /= sum;
        dz[label] -= 1.0;
        return -(z[label] - mx - std::log(sum));
    }

    int argmax_z() const {
        int best = 0;
        for (int c = 1; c < net.C; c++) if (z[c] > z[best]) best = c;
        return best;
    }

    // Fills dspike / dmax / dmean, the outputs of the sample, and returns its loss.
    double loss(int b, int* pred, double* values, int* out_counts) {
        const int C = net.C, K = (int)sp_time.size();
        const double T = bt.T;
        const int label = bt.labels[b];
        for (int c = 0; c < C; c++) { first[c] = -1; counts[c] = 0; dmax[c] = 0; dmean[c] = 0; }
        dspike.assign(K, 0.0);
        if (!net.readout) {
            for (int k = 0; k < K; k++) {
                int n = sp_neuron[k];
                if (n >= net.rofs) {
                    int c = n - net.rofs;
                    if (first[c] < 0) first[c] = k;
                    counts[c]++;
                }
            }
        }
        for (int c = 0; c < C; c++) out_counts[c] = counts[c];
        double value = 0;
        switch (net.loss) {
            case SG_EP_LOSS_FIRST_SPIKE: {
                // silent outputs fire "at infinity": out of the softmax, no gradient; a silent
                // label makes the loss the constant log C
                int best = -1;
                double best_t = HUGE_VAL;
                for (int c = 0; c < C; c++) {
                    double t = first[c] < 0 ? HUGE_VAL : sp_time[first[c]];
                    values[c] = t;
                    if (first[c] >= 0 && t < best_t) { best_t = t; best = c; }
                }
                *pred = best;
                if (first[label] < 0) {
                    value = std::log((double)C);
                    break;
                }
                double mx = -HUGE_VAL;
                for (int c = 0; c < C; c++) if (first[c] >= 0) { z[c] = -sp_time[first[c]] / bt.tau0; mx = std::fmax(mx, z[c]); }
                double sum = 0;
                for (int c = 0; c < C; c++) if (first[c] >= 0) sum += dz[c] = std::exp(z[c] - mx);
                for (int c = 0; c < C; c++) if (first[c] >= 0) dz[c] /= sum;
                dz[label] -= 1.0;
                value = -(z[label] - mx - std::log(sum));
                double reg = std::exp(sp_time[first[label]] / bt.tau1);
                value += bt.alpha * (reg - 1);
                for (int c = 0; c < C; c++) {
                    if (first[c] < 0) continue;
                    double d = -dz[c] / bt.tau0;
                    if (c == label) d += bt.alpha * reg / bt.tau1;
                    dspike[first[c]] += d;
                }
                break;
            }
            case SG_EP_LOSS_MAX_VOLTAGE:
            case SG_EP_LOSS_MEAN_VOLTAGE: {
                bool is_max = net.loss == SG_EP_LOSS_MAX_VOLTAGE;
                for (int c = 0; c < C; c++) z[c] = values[c] = is_max ? max_v[c] : integral[c] / T;
                value = cross_entropy(label);
                for (int c = 0; c < C; c++) {
                    if (is_max) dmax[c] += dz[c];
                    else dmean[c] += dz[c];
                }
                *pred = argmax_z();
                break;
            }
            case SG_EP_LOSS_SPIKE_COUNT: {
                for (int c = 0; c < C; c++) z[c] = values[c] = counts[c];
                value = cross_entropy(label);               // d(count)/d(parameter) = 0: nothing to inject
                *pred = argmax_z();
                break;
            }
            default: {                                      // SG_EP_LOSS_SPIKE_TIME_SUM
                double sum = 0;
                for (int k = 0; k < K; k++) {
                    if (sp_neuron[k] >= net.rofs) {
                        sum += sp_time[k];
                        dspike[k] += 1.0;
                    }
                }
                for (int c = 0; c < C; c++) values[c] = first[c] < 0 ? HUGE_VAL : sp_time[first[c]];
                *pred = -1;
                value = sum;
                break;
            }
        }
        return value;
    }

    // ---------------- backward (EventPropBackward) ----------------

    void adj_advance(int n, double t) {
        double d = tadj[n] - t;
        if (!(d > 0)) return;
        sg_ep_adjoint_advance_source(d, net.tau_mem[n], net.tau_syn[n], src[n], &lam_v[n], &lam_i[n]);
        tadj[n] = t;
    }

    void touch(int unit) {
        if (!touched[unit]) {
            touched[unit] = 1;
            touched_list.push_back(unit);
        }
    }

    // Row j of w onto neurons off..off+size-1: -tau_syn lambda_I into gw (eq. 2);
    // returns sum_m w_jm (lambda_Vm - lambda_Im).
    double targets(const double* w, double* gw, int j, int size, int off, double t) {
        double acc = 0;
        for (int m = 0; m < size; m++) {
            int q = off + m;
            adj_advance(q, t);
            gw[(int64_t)j * size + m] -= net.tau_syn[q] * lam_i[q];
            acc += w[(int64_t)j * size + m] * (lam_v[q] - lam_i[q]);
        }
        return acc;
    }

    // Spike k: weight gradients (eq. 2), then the jump of the firing neuron's lambda_V (eq. 30a).
    bool spike(int k) {
        int n = sp_neuron[k], l = net.layer_of[n], j = net.local[n];
        double t = sp_time[k];
        double* gw = g.data();
        double sum = 0;
        if (l + 1 < net.L) {
            sum += targets(net.w + net.woff[l + 1], gw + net.woff[l + 1], j, net.sizes[l + 2], net.noff[l + 1], t);
        }
        if (net.roff[l] >= 0) {
            sum += targets(net.rw + net.roff[l], gw + net.nw + net.roff[l], j, net.sizes[l + 1], net.noff[l], t);
        }
        touch(net.inputs + n);
        adj_advance(n, t);
        double tm = net.tau_mem[n], th = net.theta[n];
        if (!std::isfinite((sp_current[k] - th) / tm)) return false;
        int was_clamped;
        double vdot = sg_ep_guarded_vdot(sp_current[k], th, tm, bt.vdot_floor, &was_clamped);
        clamped += was_clamped;
        double c = dspike[k] + th * lam_v[n] + sum;
        for (int r = kink_head[k]; r >= 0; r = kink_next[r]) c += dmax[r] * arg_vdot[r];
        lam_v[n] = sg_ep_jump(lam_v[n], c, tm, vdot);
        gw[net.nw + net.nr + n] += tm * lam_v[n];
        for (int r = kink_head[k]; r >= 0; r = kink_next[r]) {
            int q = net.rofs + r;
            lam_v[q] -= dmax[r] / net.tau_mem[q];
        }
        return true;
    }

    // A fixed input spike on channel ch: eq. (34).
    void input_spike(int ch, double t) {
        int size = net.sizes[1];
        double* gw = g.data();
        touch(ch);
        for (int j = 0; j < size; j++) {
            adj_advance(j, t);
            gw[(int64_t)ch * size + j] -= net.tau_syn[j] * lam_i[j];
        }
    }

    // l_V = dL/dz_c delta(t - t*) V_c: lambda_Vc drops by dL/dz_c / tau_mem crossing t* backwards.
    void impulse(int c, double t) {
        int n = net.rofs + c;
        adj_advance(n, t);
        lam_v[n] -= dmax[c] / net.tau_mem[n];
    }

    bool backward(int e0, int e1) {
        const int N = net.N, C = net.C, K = (int)sp_time.size();
        const double T = bt.T;
        for (int n = 0; n < N; n++) { lam_v[n] = 0; lam_i[n] = 0; tadj[n] = T; src[n] = 0; }
        kink_head.assign(K, -1);
        impulses.clear();
        if (net.readout) {
            for (int c = C - 1; c >= 0; c--) {          // prepending in reverse keeps each list ascending
                src[net.rofs + c] = dmean[c] / T;
                int k = arg_spike[c];
                if (k >= 0 && dmax[c] != 0) {
                    kink_next[c] = kink_head[k];
                    kink_head[k] = c;
                }
            }
            for (int c = 0; c < C; c++) if (arg_spike[c] == SMOOTH && dmax[c] != 0) impulses.push_back(c);
            std::stable_sort(impulses.begin(), impulses.end(), [&](int a, int b) { return arg_t[a] > arg_t[b]; });
        }
        int k = K - 1, e = e1 - 1;
        size_t p = 0;
        // Reverse of the forward order; at equal times the forward ran inputs before spikes,
        // and a maximum at time t is read after everything at t.
        while (k >= 0 || e >= e0 || p < impulses.size()) {
            double tk = k >= 0 ? sp_time[k] : -HUGE_VAL;
            double te = e >= e0 ? bt.in_times[e] : -HUGE_VAL;
            double tp = p < impulses.size() ? arg_t[impulses[p]] : -HUGE_VAL;
            if (p < impulses.size() && tp >= tk && tp >= te) {
                impulse(impulses[p++], tp);
            } else if (k >= 0 && tk >= te) {
                if (!spike(k--)) return false;
            } else {
                input_spike(bt.in_channels[e], te);
                e--;
            }
        }
        return true;
    }

    // Visits the gradient ranges this sample wrote: f(at, len, is_weight) per row.
    template <class F>
    void for_touched(F f) const {
        for (int unit : touched_list) {
            if (unit < net.inputs) {
                f((int64_t)unit * net.sizes[1], (int64_t)net.sizes[1], true);
                continue;
            }
            int n = unit - net.inputs, l = net.layer_of[n], j = net.local[n];
            if (l + 1 < net.L) f(net.woff[l + 1] + (int64_t)j * net.sizes[l + 2], (int64_t)net.sizes[l + 2], true);
            if (net.roff[l] >= 0) f(net.nw + net.roff[l] + (int64_t)j * net.sizes[l + 1], (int64_t)net.sizes[l + 1], true);
            f(net.nw + net.nr + n, (int64_t)1, false);
        }
    }

    // Adds scale * (this sample's gradient) into blk, on the rows it wrote, and re-zeroes them;
    // with a per-sample limit the gradient is scaled to norm sample_clip first. Returns whether it was.
    bool accumulate(double* blk, double scale) {
        bool clip = false;
        if (bt.sample_clip > 0) {
            double n2 = 0;
            for_touched([&](int64_t at, int64_t len, bool weight) {
                if (weight) for (int64_t q = at; q < at + len; q++) n2 += g[q] * g[q];
            });
            double norm = std::sqrt(n2);
            if (norm > bt.sample_clip) {
                scale *= bt.sample_clip / norm;
                clip = true;
            }
        }
        for_touched([&](int64_t at, int64_t len, bool) {
            for (int64_t q = at; q < at + len; q++) {
                blk[q] += scale * g[q];
                g[q] = 0;
            }
        });
        for (int unit : touched_list) touched[unit] = 0;
        touched_list.clear();
        return clip;
    }

    // ---------------- one sample ----------------

    // Runs sample b; returns its loss and writes its outputs. Sets status on error.
    double run(int b, int* pred, double* values, int* out_counts, int* total, long long* bytes, int* silent) {
        const int N = net.N, C = net.C;
        const double T = bt.T;
        for (int n = 0; n < N; n++) { v[n] = 0; i[n] = 0; tlast[n] = 0; version[n] = 0; }
        for (int c = 0; c < C; c++) { max_v[c] = 0; arg_t[c] = 0; arg_vdot[c] = 0; integral[c] = 0; arg_spike[c] = AT_START; }
        while (!queue.empty()) queue.pop();
        sp_time.clear(); sp_current.clear(); sp_neuron.clear();
        const int e0 = bt.in_offsets[b];
        int e1 = bt.in_offsets[b + 1];
        while (e1 > e0 && !(bt.in_times[e1 - 1] <= T)) e1--;   // sorted: inputs after T are a suffix

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
                    status = SG_ERR_BAD_PARAM;              // runaway excitation
                    return 0;
                }
            }
        }
        for (int n = 0; n < N; n++) advance(n, T, SMOOTH);
        const int K = (int)sp_time.size();
        if (total) *total = K;
        if (silent) {                                   // neurons of each layer without a spike
            for (int l = 0; l < net.L; l++) silent[l] = net.sizes[l + 1];
            for (int n = 0; n < N; n++) version[n] = 0;    // reused as a "has spiked" mark
            for (int k = 0; k < K; k++) {
                int n = sp_neuron[k];
                if (!version[n]) { version[n] = 1; silent[net.layer_of[n]]--; }
            }
            if (net.readout) silent[net.L - 1] = 0;     // a readout never spikes: nothing is missing
        }
        if (bytes) *bytes = (long long)K * (sizeof(double) + sizeof(int) + sizeof(double))
                            + (net.readout ? (long long)C * (4 * sizeof(double) + sizeof(int)) : 0);

        double value = loss(b, pred, values, out_counts);
        if (bt.gradients && !backward(e0, e1)) status = SG_ERR_BAD_PARAM;    // non-finite Vdot^-
        return value;
    }
};

bool loss_fits(int loss, bool readout) {
    switch (loss) {
        case SG_EP_LOSS_FIRST_SPIKE:
        case SG_EP_LOSS_SPIKE_COUNT:
        case SG_EP_LOSS_SPIKE_TIME_SUM: return !readout;
        case SG_EP_LOSS_MAX_VOLTAGE:
        case SG_EP_LOSS_MEAN_VOLTAGE: return readout;
        default: return false;
    }
}

}  // namespace

SG_API int sg_eventprop_batch(const sg_eventprop_config* cfg, const int* sizes, const int* recurrent,
                              const double* weights, const double* rec_weights,
                              const double* tau_mem, const double* tau_syn, const double* theta,
                              const double* in_times, const int* in_channels, const int* in_offsets,
                              const int* labels,
                              double* loss_out, int* predictions, double* out_values, int* out_counts,
                              int* spike_totals, int* layer_silent, long long* stored_bytes,
                              double* trace_times, int* trace_neurons,
                              double* grad_weights, double* grad_rec, double* grad_theta,
                              long long* clamped, long long* sample_clipped) {
    if (!cfg || !sizes || !weights || !tau_mem || !tau_syn || !theta || !in_offsets || !labels || !loss_out ||
        !predictions || !out_values || !out_counts || !clamped) {
        return SG_ERR_NULL_POINTER;
    }
    const int layers = cfg->layers, batch = cfg->batch;
    if (layers < 1 || batch < 1) return SG_ERR_BAD_SHAPE;
    for (int l = 0; l <= layers; l++) if (sizes[l] < 1) return SG_ERR_BAD_SHAPE;
    if (cfg->readout != 0 && cfg->readout != 1) return SG_ERR_BAD_PARAM;
    if (!loss_fits(cfg->loss, cfg->readout == 1)) return SG_ERR_BAD_ENUM;
    if (in_offsets[0] != 0) return SG_ERR_BAD_SHAPE;
    for (int b = 0; b < batch; b++) if (in_offsets[b + 1] < in_offsets[b]) return SG_ERR_BAD_SHAPE;
    const int E = in_offsets[batch];
    if (E > 0 && (!in_times || !in_channels)) return SG_ERR_NULL_POINTER;
    const double T = cfg->duration;
    if (!(T > 0) || !std::isfinite(T) || !(cfg->vdot_floor > 0) || cfg->max_spikes < 1 || cfg->trace_capacity < 0 ||
        !(cfg->sample_clip >= 0) || !std::isfinite(cfg->sample_clip)) {
        return SG_ERR_BAD_PARAM;
    }
    const int S = cfg->trace_capacity;
    if (S > 0 && (!trace_times || !trace_neurons)) return SG_ERR_NULL_POINTER;
    if (cfg->loss == SG_EP_LOSS_FIRST_SPIKE && (!(cfg->tau0 > 0) || !(cfg->tau1 > 0) || !(cfg->alpha >= 0))) {
        return SG_ERR_BAD_PARAM;
    }
    const bool want_grad = cfg->gradients != 0;
    try {
        Net net;
        net.L = layers;
        net.inputs = sizes[0];
        net.sizes = sizes;
        net.readout = cfg->readout == 1;
        net.loss = cfg->loss;
        net.w = weights;
        net.rw = rec_weights;
        net.tau_mem = tau_mem;
        net.tau_syn = tau_syn;
        net.theta = theta;
        net.woff.resize(layers);
        net.roff.resize(layers);
        net.noff.resize(layers + 1);
        int64_t nw = 0, nr = 0, N = 0;
        for (int l = 0; l < layers; l++) {
            net.woff[l] = nw;
            net.noff[l] = (int)N;
            nw += (int64_t)sizes[l] * sizes[l + 1];
            bool rec = recurrent && recurrent[l] != 0;
            if (rec && !net.spiking(l)) return SG_ERR_BAD_SHAPE;      // a readout never spikes
            net.roff[l] = rec ? nr : -1;
            if (rec) nr += (int64_t)sizes[l + 1] * sizes[l + 1];
            N += sizes[l + 1];
            if (N > INT32_MAX) return SG_ERR_BAD_SHAPE;
        }
        if (nr > 0 && !rec_weights) return SG_ERR_NULL_POINTER;
        if (want_grad && (!grad_weights || (nr > 0 && !grad_rec))) return SG_ERR_NULL_POINTER;
        net.noff[layers] = (int)N;
        net.N = (int)N;
        net.nw = nw;
        net.nr = nr;
        net.C = sizes[layers];
        net.rofs = net.noff[layers - 1];
        net.layer_of.resize(N);
        net.local.resize(N);
        for (int l = 0; l < layers; l++) {
            for (int j = 0; j < sizes[l + 1]; j++) {
                net.layer_of[net.noff[l] + j] = l;
                net.local[net.noff[l] + j] = j;
            }
        }
        for (int64_t n = 0; n < N; n++) {
            if (!(tau_mem[n] > 0) || !(tau_syn[n] > 0) || !std::isfinite(tau_mem[n]) || !std::isfinite(tau_syn[n])) {
                return SG_ERR_BAD_PARAM;
            }
            if (net.spiking(net.layer_of[n]) && (!(theta[n] > 0) || !std::isfinite(theta[n]))) return SG_ERR_BAD_PARAM;
        }
        for (int b = 0; b < batch; b++) {
            if (labels[b] < 0 || labels[b] >= net.C) return SG_ERR_BAD_PARAM;
            for (int e = in_offsets[b]; e < in_offsets[b + 1]; e++) {
                if (!std::isfinite(in_times[e]) || in_channels[e] < 0 || in_channels[e] >= sizes[0]) return SG_ERR_BAD_PARAM;
                if (e > in_offsets[b] && in_times[e] < in_times[e - 1]) return SG_ERR_BAD_PARAM;
            }
        }
        Batch bt{in_times, in_channels, in_offsets, labels, T, cfg->tau0, cfg->tau1, cfg->alpha, cfg->vdot_floor,
                 cfg->sample_clip, cfg->max_spikes, want_grad};

        // Fixed blocks of samples, each summed in sample order into its own buffer.
        const int64_t G = net.grad_size();
        const int64_t blocks = (batch + SG_EP_BLOCK - 1) / SG_EP_BLOCK;
        std::vector<double> blk(want_grad ? (size_t)(blocks * G) : 0, 0.0);
        std::vector<double> losses(batch);
        std::vector<long long> clamps(batch, 0);
        std::vector<char> clipped(batch, 0);
        std::vector<int> status(batch, SG_OK), totals(batch, 0);
        const double scale = 1.0 / batch;

        sg::parallel_for(blocks, [&](int, int64_t begin, int64_t end) {
            try {
                Sample s(net, bt);
                for (int64_t bl = begin; bl < end; bl++) {
                    const int64_t b0 = bl * SG_EP_BLOCK, b1 = std::min<int64_t>(batch, b0 + SG_EP_BLOCK);
                    for (int64_t b = b0; b < b1; b++) {
                        s.clamped = 0;
                        s.status = SG_OK;
                        losses[b] = s.run((int)b, predictions + b, out_values + b * net.C, out_counts + b * net.C,
                                          totals.data() + b, stored_bytes ? stored_bytes + b : nullptr,
                                          layer_silent ? layer_silent + b * layers : nullptr);
                        clamps[b] = s.clamped;
                        status[b] = s.status;
                        const int copy = std::min<int>(S, (int)s.sp_time.size());
                        for (int k = 0; k < copy; k++) {
                            trace_times[b * S + k] = s.sp_time[k];
                            trace_neurons[b * S + k] = s.sp_neuron[k];
                        }
                        if (want_grad && s.status == SG_OK) clipped[b] = s.accumulate(blk.data() + bl * G, scale);
                        if (s.status != SG_OK) return;
                    }
                }
            } catch (...) {
                for (int64_t b = begin * SG_EP_BLOCK; b < std::min<int64_t>(batch, end * SG_EP_BLOCK); b++) {
                    if (status[b] == SG_OK) status[b] = SG_ERR_ALLOC;
                }
            }
        });
        for (int b = 0; b < batch; b++) if (status[b] != SG_OK) return status[b];

        double total = 0;
        long long cl = 0, sc = 0;
        for (int b = 0; b < batch; b++) {
            total += losses[b];
            cl += clamps[b];
            sc += clipped[b];
            if (spike_totals) spike_totals[b] = totals[b];
        }
        if (want_grad) {
            for (int64_t q = 0; q < nw; q++) grad_weights[q] = 0;
            for (int64_t q = 0; q < nr; q++) grad_rec[q] = 0;
            if (grad_theta) for (int64_t n = 0; n < N; n++) grad_theta[n] = 0;
            for (int64_t bl = 0; bl < blocks; bl++) {
                const double* h = blk.data() + bl * G;
                for (int64_t q = 0; q < nw; q++) grad_weights[q] += h[q];
                for (int64_t q = 0; q < nr; q++) grad_rec[q] += h[nw + q];
                if (grad_theta) for (int64_t n = 0; n < N; n++) grad_theta[n] += h[nw + nr + n];
            }
        }
        *loss_out = total / batch;
        *clamped = cl;
        if (sample_clipped) *sample_clipped = sc;
        return SG_OK;
    } catch (...) {
        return SG_ERR_ALLOC;
    }
}
