/* spikegrad CUDA: per-thread bodies of exact EventProp on the GPU (host and device).
 *
 * Model, adjoint and gradient: Wunderlich & Pehle 2021, tables 1 and 2 and eq. (2), in the
 * closed forms of eventprop_math.h (DESIGN.md, EventProp); loss: time-to-first-spike
 * cross-entropy (paper eq. 35). Scope: the v1 API of eventprop.h (sg_eventprop_batch as of
 * this writing): feed-forward LIF stacks, reset by subtraction, no bias, weight and threshold
 * gradients, double precision throughout.
 *
 * Not time-stepped: exact and event-driven, like the CPU kernel, but parallel over the neurons
 * of a layer. In a feed-forward stack a neuron's trajectory depends only on the spike times of
 * the layer below, so layer l can be simulated neuron by neuron once layer l-1's spikes are
 * known: each thread walks the sorted presynaptic events of its neuron, predicting its own
 * threshold crossings with sg_ep_crossing (bracketed root, never stepping) from the state after
 * each event and firing where the crossing comes before the next event (presynaptic events win
 * exact ties, as in the reference's event queue). This visits the same states, advances over the
 * same gaps (t - tlast with the same t) and finds the same roots as the reference's global
 * event queue, so spike times agree to the last bit up to the device's libm. The backward runs
 * layer by layer from the top: a thread walks its neuron's own spikes and presynaptic events in
 * reverse time (own spikes first on ties, as the reference's k-before-input rule), advancing the
 * adjoint in closed form, accumulating dL/dw[j][m] -= tau_syn lambda_I at presynaptic events,
 * and storing the terms w[j][m] (lambda_V - lambda_I) that the layer below sums, in increasing
 * m, into the bracket C of its jump (eventprop_math.h).
 *
 * Grid: one block per sample (a warp multiple <= 256 threads; thread k owns neurons
 * k, k + blockDim, ... of the layer being processed); both kernels are stepped (a barrier
 * between phases):
 *   forward   phase 0 validate the sample; phase 1+2l simulate layer l; phase 2+2l sort layer l's
 *             spikes by (time, neuron) (thread 0, heapsort); phase 2L+1 the loss (thread 0)
 *   backward  phase s: the adjoint of layer L-1-s
 * then plain kernels: batch means of the gradients (one thread per weight, samples in order) and
 * the batch loss (one thread). Spike lists have a capacity per sample; a sample that overflows
 * it (but not max_spikes) makes the launcher rerun the forward with twice the capacity. */
#ifndef SPIKEGRAD_CUDA_EVENTPROP_KERNELS_H
#define SPIKEGRAD_CUDA_EVENTPROP_KERNELS_H

#include "../eventprop_math.h"
#include "grid.h"

/* Most layers of one network (the layer table travels inside the kernel parameters). */
#define SG_EP_MAX_LAYERS 16
/* Internal status of a sample whose spikes overflowed the list capacity (not max_spikes). */
#define SG_EP_OVERFLOW 100

SG_HD int sg_atomic_add_int(int* p, int v) {
#if defined(__CUDA_ARCH__)
    return atomicAdd(p, v);
#else
    int old = *p;
    *p = old + v;
    return old;
#endif
}

SG_HD void sg_atomic_max_int(int* p, int v) {
#if defined(__CUDA_ARCH__)
    atomicMax(p, v);
#else
    if (v > *p) *p = v;
#endif
}

typedef struct sg_ep_params {
    /* network */
    int L, N, C;
    int sizes[SG_EP_MAX_LAYERS + 1];   /* sizes[0] inputs, sizes[l+1] neurons of layer l */
    int noff[SG_EP_MAX_LAYERS + 1];    /* first neuron of layer l */
    long long woff[SG_EP_MAX_LAYERS];  /* first weight of layer l */
    long long nw;
    const double *w, *tau_mem, *tau_syn, *theta;
    /* batch */
    int batch, max_spikes, cap;        /* cap: spike-list entries per sample */
    const double* in_times;
    const int *in_channels, *in_offsets, *labels;
    double T, tau0, tau1, alpha, vdot_floor;
    /* per-sample scratch */
    int* status;       /* [B] SG_OK, an error, or SG_EP_OVERFLOW */
    int* count;        /* [B] spikes recorded (all layers) */
    int* lstart;       /* [B][L+1] layer l's spikes are [lstart[l], lstart[l+1]) of the list */
    int* in_end;       /* [B] end of the sample's inputs at or before T */
    double* sp_t;      /* [B][cap] spike times */
    double* sp_i;      /* [B][cap] synaptic current at the spike */
    int* sp_n;         /* [B][cap] neuron (index within its layer) */
    double* dspike;    /* [B][cap] dL/dt of each spike */
    double* tmp;       /* [B][3C] t_first, z, dz */
    double* loss;      /* [B] */
    double* gw;        /* [B][nw] per-sample weight gradients */
    double* gth;       /* [B][N] per-sample threshold gradients */
    int* clamps;       /* [B][N] clamped Vdot^- per neuron */
    double* contrib;   /* per sample and layer l < L-1: [K_l][sizes[l+2]] w (lambda_V - lambda_I) */
    const long long* coff;  /* [B][L] offset of (sample, layer)'s contrib block */
    /* outputs (as sg_eventprop_batch) */
    int *predictions, *out_counts, *spike_totals;
    double* first_times;
} sg_ep_params;

/* ---- forward ---- */

/* Phase 0 (thread 0 of block b): the CPU kernel's input checks for this sample, then the
 * spike bookkeeping is reset. */
SG_HD void sg_ep_validate(const sg_ep_params& p, int b) {
    int st = SG_OK;
    const int e0 = p.in_offsets[b], e1 = p.in_offsets[b + 1];
    if ((b == 0 && e0 != 0) || e1 < e0) st = SG_ERR_BAD_SHAPE;
    if (st == SG_OK && (p.labels[b] < 0 || p.labels[b] >= p.C)) st = SG_ERR_BAD_PARAM;
    for (int e = e0; st == SG_OK && e < e1; e++) {
        if (!isfinite(p.in_times[e]) || p.in_channels[e] < 0 || p.in_channels[e] >= p.sizes[0]) st = SG_ERR_BAD_PARAM;
        else if (e > e0 && p.in_times[e] < p.in_times[e - 1]) st = SG_ERR_BAD_PARAM;
    }
    for (int n = 0; st == SG_OK && n < p.N; n++) {
        if (!(p.tau_mem[n] > 0) || !(p.tau_syn[n] > 0) || !isfinite(p.tau_mem[n]) || !isfinite(p.tau_syn[n]) ||
            !(p.theta[n] > 0) || !isfinite(p.theta[n]))
            st = SG_ERR_BAD_PARAM;
    }
    int end = e1;
    if (st == SG_OK)
        while (end > e0 && !(p.in_times[end - 1] <= p.T)) end--;  // sorted: inputs after T are a suffix
    p.in_end[b] = end;
    p.status[b] = st;
    p.count[b] = 0;
    p.lstart[(int64_t)b * (p.L + 1)] = 0;
}

/* Appends a spike of neuron j (within its layer) to sample b's list; false when the list is full. */
SG_HD bool sg_ep_record(const sg_ep_params& p, int b, int j, double t, double i) {
    const int k = sg_atomic_add_int(&p.count[b], 1);
    if (k >= p.cap) {
        sg_atomic_max_int(&p.status[b], k >= p.max_spikes ? SG_ERR_BAD_PARAM : SG_EP_OVERFLOW);
        return false;
    }
    const int64_t at = (int64_t)b * p.cap + k;
    p.sp_t[at] = t;
    p.sp_i[at] = i;
    p.sp_n[at] = j;
    return true;
}

/* Neuron j of layer l, sample b: the reference's advance / predict / fire, over the sorted
 * presynaptic events (the sample's inputs for l = 0, layer l-1's sorted spikes otherwise). */
SG_HD void sg_ep_forward_neuron(const sg_ep_params& p, int b, int l, int j) {
    const int n = p.noff[l] + j, size = p.sizes[l + 1];
    const double tm = p.tau_mem[n], ts = p.tau_syn[n], th = p.theta[n], T = p.T;
    const double* w = p.w + p.woff[l];
    double v = 0, i = 0, tlast = 0;
    int e, e_end;
    const int64_t base = (int64_t)b * p.cap;
    if (l == 0) {
        e = p.in_offsets[b];
        e_end = p.in_end[b];
    } else {
        e = p.lstart[(int64_t)b * (p.L + 1) + l - 1];
        e_end = p.lstart[(int64_t)b * (p.L + 1) + l];
    }
    bool predicted = false;  // the reference predicts only after an event or a spike
    for (;;) {
        const bool have = e < e_end;
        const double te = have ? (l == 0 ? p.in_times[e] : p.sp_t[base + e]) : HUGE_VAL;
        // own crossings strictly before the next presynaptic event (ties go to the event)
        while (predicted) {
            const double d = sg_ep_crossing(v, i, tm, ts, th, T - tlast);
            if (d == HUGE_VAL) break;
            const double tc = tlast + d;
            if (have && !(tc < te)) break;
            const double dd = tc - tlast;  // advance(n, tc)
            if (dd > 0) {
                const double v0 = v, i0 = i;
                v = sg_ep_voltage(dd, v0, i0, tm, ts);
                i = sg_ep_current(dd, i0, ts);
                tlast = tc;
            }
            if (p.status[b] != SG_OK || !sg_ep_record(p, b, j, tc, i)) return;
            v -= th;
        }
        if (!have) return;
        const double dd = te - tlast;  // advance(n, te)
        if (dd > 0) {
            const double v0 = v, i0 = i;
            v = sg_ep_voltage(dd, v0, i0, tm, ts);
            i = sg_ep_current(dd, i0, ts);
            tlast = te;
        }
        const int src = l == 0 ? p.in_channels[e] : p.sp_n[base + e];
        i += w[(int64_t)src * size + j];
        predicted = true;
        e++;
    }
}

/* (time, neuron) order of two list entries. */
SG_HD bool sg_ep_less(const sg_ep_params& p, int64_t a, int64_t c) {
    if (p.sp_t[a] != p.sp_t[c]) return p.sp_t[a] < p.sp_t[c];
    return p.sp_n[a] < p.sp_n[c];
}

SG_HD void sg_ep_swap(const sg_ep_params& p, int64_t a, int64_t c) {
    double t = p.sp_t[a]; p.sp_t[a] = p.sp_t[c]; p.sp_t[c] = t;
    double i = p.sp_i[a]; p.sp_i[a] = p.sp_i[c]; p.sp_i[c] = i;
    int n = p.sp_n[a]; p.sp_n[a] = p.sp_n[c]; p.sp_n[c] = n;
}

/* Phase 2+2l (thread 0): closes layer l's range and heapsorts it by (time, neuron); entries
 * that compare equal are identical (a neuron firing twice at one instant), so order among
 * them does not matter. */
SG_HD void sg_ep_sift(const sg_ep_params& p, int64_t base, int64_t r, int64_t n) {
    for (;;) {
        int64_t c = 2 * r + 1;
        if (c >= n) return;
        if (c + 1 < n && sg_ep_less(p, base + c, base + c + 1)) c++;
        if (!sg_ep_less(p, base + r, base + c)) return;
        sg_ep_swap(p, base + r, base + c);
        r = c;
    }
}

SG_HD void sg_ep_sort_layer(const sg_ep_params& p, int b, int l) {
    int* ls = p.lstart + (int64_t)b * (p.L + 1);
    const int end = p.count[b] < p.cap ? p.count[b] : p.cap;
    ls[l + 1] = end;
    const int64_t base = (int64_t)b * p.cap + ls[l];
    const int64_t n = end - ls[l];
    if (n < 2) return;
    for (int64_t root = n / 2 - 1; root >= 0; --root) sg_ep_sift(p, base, root, n);
    for (int64_t last = n - 1; last > 0; --last) {
        sg_ep_swap(p, base, base + last);
        sg_ep_sift(p, base, 0, last);
    }
}

/* Phase 2L+1 (thread 0): first-spike cross-entropy as kernels-cpu/eventprop.cpp computes it;
 * dL/dt of every spike (nonzero only for first output spikes). */
SG_HD void sg_ep_loss(const sg_ep_params& p, int b) {
    const int C = p.C, L = p.L;
    const int64_t base = (int64_t)b * p.cap;
    const int* ls = p.lstart + (int64_t)b * (p.L + 1);
    double* tf = p.tmp + (int64_t)b * 3 * C;
    double* z = tf + C;
    double* dz = z + C;
    int* counts = p.out_counts + (int64_t)b * C;
    double* first_times = p.first_times + (int64_t)b * C;
    const int K = ls[L];
    for (int k = 0; k < K; k++) p.dspike[base + k] = 0.0;
    // first[c] is kept in first_times' slot as an index until the times are known
    for (int c = 0; c < C; c++) {
        counts[c] = 0;
        first_times[c] = -1;
    }
    for (int k = ls[L - 1]; k < ls[L]; k++) {
        const int c = p.sp_n[base + k];
        if (first_times[c] < 0) first_times[c] = k;
        counts[c]++;
    }
    p.spike_totals[b] = K;
    int best = -1;
    double best_t = HUGE_VAL;
    for (int c = 0; c < C; c++) {
        const int f = (int)first_times[c];
        tf[c] = f < 0 ? p.T : p.sp_t[base + f];
        z[c] = -tf[c] / p.tau0;
        if (f >= 0 && tf[c] < best_t) {
            best_t = tf[c];
            best = c;
        }
    }
    p.predictions[b] = best;
    const int label = p.labels[b];
    // silent outputs fire "at infinity": out of the softmax, no gradient; a silent label makes
    // the loss the constant log C with no gradient (EventLosses.firstSpikeCrossEntropy)
    double loss;
    if ((int)first_times[label] < 0) {
        loss = log((double)C);
    } else {
        double mx = -HUGE_VAL;
        for (int c = 0; c < C; c++) if ((int)first_times[c] >= 0) mx = fmax(mx, z[c]);
        double sum = 0;
        for (int c = 0; c < C; c++) if ((int)first_times[c] >= 0) sum += dz[c] = exp(z[c] - mx);
        for (int c = 0; c < C; c++) if ((int)first_times[c] >= 0) dz[c] /= sum;
        dz[label] -= 1.0;
        loss = -(z[label] - mx - log(sum));
        const double reg = exp(tf[label] / p.tau1);
        loss += p.alpha * (reg - 1);
        for (int c = 0; c < C; c++) {
            const int f = (int)first_times[c];
            if (f < 0) continue;
            double d = -dz[c] / p.tau0;
            if (c == label) d += p.alpha * reg / p.tau1;
            p.dspike[base + f] += d;
        }
    }
    for (int c = 0; c < C; c++) {
        const int f = (int)first_times[c];
        first_times[c] = f < 0 ? HUGE_VAL : tf[c];
    }
    p.loss[b] = loss;
}

/* The forward kernel's phase s for block b (one sample). */
SG_HD void sg_ep_forward_step(const sg_ep_params& p, sg_thread th, int s) {
    const int b = th.block, L = p.L;
    if (s == 0) {
        if (th.thread == 0) sg_ep_validate(p, b);
        return;
    }
    if (p.status[b] != SG_OK) return;
    if (s <= 2 * L) {
        const int l = (s - 1) / 2;
        if ((s - 1) % 2 == 0) {
            for (int j = th.thread; j < p.sizes[l + 1]; j += th.block_dim) sg_ep_forward_neuron(p, b, l, j);
        } else if (th.thread == 0) {
            sg_ep_sort_layer(p, b, l);
        }
        return;
    }
    if (th.thread == 0) sg_ep_loss(p, b);
}

/* ---- backward ---- */

/* Neuron m of layer l, sample b, in reverse time (the reference's backward loop restricted to
 * the events that touch this neuron). */
SG_HD void sg_ep_backward_neuron(const sg_ep_params& p, int b, int l, int m) {
    const int L = p.L, n = p.noff[l] + m, size = p.sizes[l + 1];
    const double tm = p.tau_mem[n], ts = p.tau_syn[n], th = p.theta[n];
    const double* w = p.w + p.woff[l];
    double* g = p.gw + (int64_t)b * p.nw + p.woff[l];
    const int64_t base = (int64_t)b * p.cap;
    const int* ls = p.lstart + (int64_t)b * (L + 1);
    double lam_v = 0, lam_i = 0, tadj = p.T, gth = 0;
    int clamps = 0;
    // own spikes: layer l's sorted list, walked backwards, keeping neuron m's entries
    int ko = ls[l + 1] - 1;
    while (ko >= ls[l] && p.sp_n[base + ko] != m) ko--;
    // presynaptic events: the inputs, or layer l-1's spikes
    const int p0 = l == 0 ? p.in_offsets[b] : ls[l - 1];
    int kp = l == 0 ? p.in_end[b] - 1 : ls[l] - 1;
    const int next = l + 1 < L ? p.sizes[l + 2] : 0;
    const double* up = l + 1 < L ? p.contrib + p.coff[(int64_t)b * L + l] : nullptr;       // [K_l][next]
    double* down = l > 0 ? p.contrib + p.coff[(int64_t)b * L + l - 1] : nullptr;            // [K_{l-1}][size]
    while (ko >= ls[l] || kp >= p0) {
        const double t_own = ko >= ls[l] ? p.sp_t[base + ko] : -HUGE_VAL;
        const double t_pre = kp >= p0 ? (l == 0 ? p.in_times[kp] : p.sp_t[base + kp]) : -HUGE_VAL;
        double t;
        if (ko >= ls[l] && t_own >= t_pre) {
            t = t_own;
            const double d = tadj - t;
            if (d > 0) {
                sg_ep_adjoint_advance(d, tm, ts, &lam_v, &lam_i);
                tadj = t;
            }
            double s = 0;
            if (up) {
                const double* row = up + (int64_t)(ko - ls[l]) * next;
                double acc = 0;
                for (int q = 0; q < next; q++) acc += row[q];
                s += acc;
            }
            double vdot = (p.sp_i[base + ko] - th) / tm;
            if (!isfinite(vdot)) {
                sg_atomic_max_int(&p.status[b], SG_ERR_BAD_PARAM);
                return;
            }
            const double floor = p.vdot_floor * th / tm;
            if (vdot < floor) {
                vdot = floor;
                clamps++;
            }
            const double c = p.dspike[base + ko] + th * lam_v + s;
            lam_v = sg_ep_jump(lam_v, c, tm, vdot);
            gth += tm * lam_v;
            ko--;
            while (ko >= ls[l] && p.sp_n[base + ko] != m) ko--;
        } else {
            t = t_pre;
            const double d = tadj - t;
            if (d > 0) {
                sg_ep_adjoint_advance(d, tm, ts, &lam_v, &lam_i);
                tadj = t;
            }
            const int j = l == 0 ? p.in_channels[kp] : p.sp_n[base + kp];
            g[(int64_t)j * size + m] -= ts * lam_i;
            if (down) down[(int64_t)(kp - ls[l - 1]) * size + m] = w[(int64_t)j * size + m] * (lam_v - lam_i);
            kp--;
        }
    }
    p.gth[(int64_t)b * p.N + n] = gth;
    p.clamps[(int64_t)b * p.N + n] = clamps;
}

/* The backward kernel's phase s for block b: layer L-1-s. The per-sample gradients were zeroed
 * by the launcher. */
SG_HD void sg_ep_backward_step(const sg_ep_params& p, sg_thread th, int s) {
    const int b = th.block, l = p.L - 1 - s;
    if (p.status[b] != SG_OK) return;
    for (int m = th.thread; m < p.sizes[l + 1]; m += th.block_dim) sg_ep_backward_neuron(p, b, l, m);
}

/* Zeroes n doubles (thread q). */
SG_HD void sg_ep_zero_thread(double* d, int64_t n, sg_thread th) {
    const int64_t q = sg_global_index(th);
    if (q < n) d[q] = 0.0;
}

/* grad[q] = sum over samples in order of part[b][q] / B (thread q): the CPU kernel's mean. */
SG_HD void sg_ep_mean_thread(const double* part, int batch, int64_t n, double* grad, sg_thread th) {
    const int64_t q = sg_global_index(th);
    if (q >= n) return;
    const double scale = 1.0 / batch;
    double acc = 0;
    for (int b = 0; b < batch; b++) acc += scale * part[(int64_t)b * n + q];
    grad[q] = acc;
}

/* One thread: the batch loss, the clamp count, the first failing sample's status. */
SG_HD void sg_ep_finish_thread(const sg_ep_params& p, double* loss_out, long long* clamped, int* status_out,
                               sg_thread th) {
    if (sg_global_index(th) != 0) return;
    int st = SG_OK;
    for (int b = 0; b < p.batch && st == SG_OK; b++) st = p.status[b];
    *status_out = st;
    if (st != SG_OK) return;
    double total = 0;
    long long cl = 0;
    for (int b = 0; b < p.batch; b++) {
        total += p.loss[b];
        for (int n = 0; n < p.N; n++) cl += p.clamps[(int64_t)b * p.N + n];
    }
    *loss_out = total / p.batch;
    *clamped = cl;
}

#endif
