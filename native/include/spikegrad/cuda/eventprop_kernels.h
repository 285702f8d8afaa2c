/* spikegrad CUDA: per-thread bodies of exact EventProp on the GPU (host and device).
 *
 * Model, adjoint and gradient: Wunderlich & Pehle 2021, tables 1 and 2 and eq. (2), in the
 * closed forms of eventprop_math.h (DESIGN.md, EventProp). Scope: the whole API of eventprop.h
 * (sg_eventprop_batch) except the spike trace: LIF layers, each optionally recurrent, the last
 * one LIF or a leaky-integrator (LI) readout; losses first-spike cross-entropy (eq. 35),
 * max-/mean-voltage cross-entropy on the readout, spike count, spike-time sum; weight,
 * recurrent-weight and threshold gradients; the per-sample gradient-norm limit; double
 * precision throughout.
 *
 * Not time-stepped: exact and event-driven, like the CPU kernel. Between layers the network is
 * feed-forward, so a layer's trajectory depends only on the spike times of the layer below and
 * layer l can be simulated once layer l-1's spikes are known, in its processing order:
 *   - a feed-forward LIF layer neuron by neuron in parallel (one thread each): each thread walks
 *     the presynaptic events of its neuron, predicting its own threshold crossings with
 *     sg_ep_crossing (bracketed root, never stepping) from the state after each event and firing
 *     where the crossing comes before the next event (presynaptic events win exact ties, as in
 *     the reference's event queue); the layer's spikes are then sorted by (time, neuron);
 *   - a recurrent LIF layer by one thread (its neurons interact at every spike): the CPU
 *     kernel's event loop restricted to the layer, the presynaptic events merged with the
 *     layer's own crossings, the earliest valid prediction (lowest neuron on ties) found by a
 *     scan instead of a heap; its spikes are recorded in processing order;
 *   - an LI readout neuron by neuron in parallel, integrating V and tracking its maximum (and
 *     the spike whose arrival made the maximum a kink) as the CPU kernel's advance().
 * This visits the same states, advances over the same gaps (t - tlast with the same t) and finds
 * the same roots as the reference's global event queue, so spike times agree to the last bit up
 * to the device's libm. The backward runs layer by layer from the top in reverse time (own
 * spikes first on ties, as the reference's k-before-input rule; a readout's max-voltage impulse
 * before everything at its time), per neuron in parallel for feed-forward and readout layers and
 * by one thread for a recurrent layer, advancing the adjoint in closed form (with the
 * mean-voltage source), accumulating dL/dw[j][m] -= tau_syn lambda_I at presynaptic (and, for a
 * recurrent layer, own) spikes, and storing the terms w[j][m] (lambda_V - lambda_I) that the
 * layer below sums, in increasing m, into the bracket C of its jump (eventprop_math.h).
 *
 * Grid: one block per sample (a warp multiple <= 256 threads; thread k owns neurons
 * k, k + blockDim, ... of the layer being processed); both kernels are stepped (a barrier
 * between phases):
 *   forward   phase 0 validate the sample; phase 1+2l simulate layer l; phase 2+2l close (and,
 *             if feed-forward, heapsort by (time, neuron)) layer l's spikes (thread 0);
 *             phase 2L+1 the loss (thread 0)
 *   backward  phase s: the adjoint of layer L-1-s
 * then plain kernels: the per-sample scale (1/B, times c/norm when the per-sample limit cuts in;
 * one thread per sample), batch means of the gradients (one thread per weight, samples summed in
 * the CPU kernel's blocks of SG_EP_BLOCK) and the batch loss (one thread). Spike lists have a
 * capacity per sample; a sample that overflows it (but not max_spikes) makes the launcher rerun
 * the forward with twice the capacity. */
#ifndef SPIKEGRAD_CUDA_EVENTPROP_KERNELS_H
#define SPIKEGRAD_CUDA_EVENTPROP_KERNELS_H

#include "../eventprop.h"
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
    int readout;                       /* 1: layer L-1 is an LI readout */
    int loss_kind;                     /* enum sg_ep_loss (eventprop.h) */
    int sizes[SG_EP_MAX_LAYERS + 1];   /* sizes[0] inputs, sizes[l+1] neurons of layer l */
    int noff[SG_EP_MAX_LAYERS + 1];    /* first neuron of layer l */
    long long woff[SG_EP_MAX_LAYERS];  /* first weight of layer l */
    long long roff[SG_EP_MAX_LAYERS];  /* first recurrent weight of layer l, -1 when it has none */
    long long nw, nr;
    const double *w, *rw, *tau_mem, *tau_syn, *theta;
    /* batch */
    int batch, max_spikes, cap;        /* cap: spike-list entries per sample */
    const double* in_times;
    const int *in_channels, *in_offsets, *labels;
    double T, tau0, tau1, alpha, vdot_floor, sample_clip;
    /* per-sample scratch */
    int* status;       /* [B] SG_OK, an error, or SG_EP_OVERFLOW */
    int* count;        /* [B] spikes recorded (all layers) */
    int* lstart;       /* [B][L+1] layer l's spikes are [lstart[l], lstart[l+1]) of the list */
    int* in_end;       /* [B] end of the sample's inputs at or before T */
    double* sp_t;      /* [B][cap] spike times */
    double* sp_i;      /* [B][cap] synaptic current at the spike */
    int* sp_n;         /* [B][cap] neuron (index within its layer) */
    double* dspike;    /* [B][cap] dL/dt of each spike */
    double* tmp;       /* [B][3C] t_first, z, dz (dz is dL/dz: dL/dmax or dL/dmean for a readout) */
    double* loss;      /* [B] */
    double* gw;        /* [B][nw] per-sample weight gradients */
    double* grec;      /* [B][nr] per-sample recurrent-weight gradients */
    double* gth;       /* [B][N] per-sample threshold gradients */
    int* clamps;       /* [B][N] clamped Vdot^- per neuron */
    int* mark;         /* [B][N] "has spiked" (layer_silent) */
    double *st_v, *st_i, *st_t, *st_p;  /* [B][N] a recurrent layer's state: forward V, I, last time, predicted
                                           crossing; backward lambda_V, lambda_I, adjoint time */
    double *ro_max, *ro_argt, *ro_vdot, *ro_int;  /* [B][C] readout: max V, its time, Vdot there, int V dt */
    int* ro_arg;       /* [B][C] list entry whose arrival made the maximum a kink, or SG_EP_SMOOTH / SG_EP_AT_START */
    double* contrib;   /* per sample and layer l < L-1: [K_l][sizes[l+2]] w (lambda_V - lambda_I) */
    const long long* coff;  /* [B][L] offset of (sample, layer)'s contrib block */
    double* scale;     /* [B] factor of sample b in the batch mean */
    int* clipped;      /* [B] 1 when the per-sample limit scaled sample b */
    int* touched;      /* [B][inputs + N] units the backward touched (the per-sample norm's order) */
    /* outputs (as sg_eventprop_batch) */
    int *predictions, *out_counts, *spike_totals, *layer_silent;
    long long* stored_bytes;
    double* out_values;
} sg_ep_params;

/* argmax codes of a readout maximum (the CPU kernel's AT_START / SMOOTH); >= 0 is a list entry. */
#define SG_EP_AT_START (-2)
#define SG_EP_SMOOTH (-1)

SG_HD bool sg_ep_is_readout(const sg_ep_params& p, int l) { return p.readout && l == p.L - 1; }

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
    const int spiking = p.readout ? p.noff[p.L - 1] : p.N;  // a readout's theta is ignored
    for (int n = 0; st == SG_OK && n < p.N; n++) {
        if (!(p.tau_mem[n] > 0) || !(p.tau_syn[n] > 0) || !isfinite(p.tau_mem[n]) || !isfinite(p.tau_syn[n]))
            st = SG_ERR_BAD_PARAM;
        else if (n < spiking && (!(p.theta[n] > 0) || !isfinite(p.theta[n])))
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

/* The presynaptic events of layer l in sample b: [*e, *e_end) of the inputs (l = 0) or of the list. */
SG_HD void sg_ep_pre_range(const sg_ep_params& p, int b, int l, int* e, int* e_end) {
    if (l == 0) {
        *e = p.in_offsets[b];
        *e_end = p.in_end[b];
    } else {
        *e = p.lstart[(int64_t)b * (p.L + 1) + l - 1];
        *e_end = p.lstart[(int64_t)b * (p.L + 1) + l];
    }
}

/* Neuron j of feed-forward LIF layer l, sample b: the reference's advance / predict / fire, over
 * the sorted presynaptic events (the sample's inputs for l = 0, layer l-1's spikes otherwise). */
SG_HD void sg_ep_forward_neuron(const sg_ep_params& p, int b, int l, int j) {
    const int n = p.noff[l] + j, size = p.sizes[l + 1];
    const double tm = p.tau_mem[n], ts = p.tau_syn[n], th = p.theta[n], T = p.T;
    const double* w = p.w + p.woff[l];
    double v = 0, i = 0, tlast = 0;
    int e, e_end;
    const int64_t base = (int64_t)b * p.cap;
    sg_ep_pre_range(p, b, l, &e, &e_end);
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

/* Free evolution of neuron q (state at v, i, tl) to time t, as the CPU kernel's advance() of a
 * LIF neuron. */
SG_HD void sg_ep_rec_advance(const sg_ep_params& p, int q, double t, double* v, double* i, double* tl) {
    const double d = t - *tl;
    if (!(d > 0)) return;
    const double v0 = *v, i0 = *i, tm = p.tau_mem[q], ts = p.tau_syn[q];
    *v = sg_ep_voltage(d, v0, i0, tm, ts);
    *i = sg_ep_current(d, i0, ts);
    *tl = t;
}

/* The CPU kernel's predict(): the next crossing time of neuron q, HUGE_VAL when none before T. */
SG_HD double sg_ep_rec_predict(const sg_ep_params& p, int q, double v, double i, double tl) {
    const double d = sg_ep_crossing(v, i, p.tau_mem[q], p.tau_syn[q], p.theta[q], p.T - tl);
    return d == HUGE_VAL ? HUGE_VAL : tl + d;
}

/* Recurrent LIF layer l, sample b, by one thread: the CPU kernel's event loop over this layer's
 * neurons (presynaptic events win ties with crossings; crossings by (time, neuron); a firing
 * neuron delivers its row of the recurrent weights to every neuron of the layer, itself included). */
SG_HD void sg_ep_forward_recurrent(const sg_ep_params& p, int b, int l) {
    const int off = p.noff[l], size = p.sizes[l + 1];
    const double* w = p.w + p.woff[l];
    const double* rw = p.rw + p.roff[l];
    const int64_t so = (int64_t)b * p.N + off, base = (int64_t)b * p.cap;
    double *v = p.st_v + so, *cur = p.st_i + so, *tl = p.st_t + so, *pr = p.st_p + so;
    for (int j = 0; j < size; j++) {
        v[j] = 0;
        cur[j] = 0;
        tl[j] = 0;
        pr[j] = HUGE_VAL;  // no prediction before the first event
    }
    int e, e_end;
    sg_ep_pre_range(p, b, l, &e, &e_end);
    for (;;) {
        const bool have = e < e_end;
        int best = -1;
        double tc = HUGE_VAL;
        for (int j = 0; j < size; j++)
            if (pr[j] < tc) {
                tc = pr[j];
                best = j;
            }
        if (!have && best < 0) return;
        if (have && (best < 0 || (l == 0 ? p.in_times[e] : p.sp_t[base + e]) <= tc)) {
            const double te = l == 0 ? p.in_times[e] : p.sp_t[base + e];
            const int src = l == 0 ? p.in_channels[e] : p.sp_n[base + e];
            for (int q = 0; q < size; q++) {
                sg_ep_rec_advance(p, off + q, te, &v[q], &cur[q], &tl[q]);
                cur[q] += w[(int64_t)src * size + q];
                pr[q] = sg_ep_rec_predict(p, off + q, v[q], cur[q], tl[q]);
            }
            e++;
        } else {
            const int j = best;
            sg_ep_rec_advance(p, off + j, tc, &v[j], &cur[j], &tl[j]);
            if (p.status[b] != SG_OK || !sg_ep_record(p, b, j, tc, cur[j])) return;
            v[j] -= p.theta[off + j];  // reset by subtraction
            for (int q = 0; q < size; q++) {
                sg_ep_rec_advance(p, off + q, tc, &v[q], &cur[q], &tl[q]);
                cur[q] += rw[(int64_t)j * size + q];
                pr[q] = sg_ep_rec_predict(p, off + q, v[q], cur[q], tl[q]);
            }
        }
    }
}

/* Readout neuron c (layer L-1 is LI), sample b: V and I over the presynaptic events, int V dt,
 * and max V with its time, its Vdot and the list entry whose arrival made it a kink (the CPU
 * kernel's advance() of a readout; input arrivals and the end T are never kinks). */
SG_HD void sg_ep_forward_readout(const sg_ep_params& p, int b, int c) {
    const int l = p.L - 1, n = p.noff[l] + c, size = p.sizes[l + 1];
    const double tm = p.tau_mem[n], ts = p.tau_syn[n];
    const double* w = p.w + p.woff[l];
    const int64_t base = (int64_t)b * p.cap;
    double v = 0, i = 0, tlast = 0, mx = 0, argt = 0, avdot = 0, integ = 0;
    int arg = SG_EP_AT_START;
    int e, e_end;
    sg_ep_pre_range(p, b, l, &e, &e_end);
    for (;;) {
        const bool have = e < e_end;
        const double t = have ? (l == 0 ? p.in_times[e] : p.sp_t[base + e]) : p.T;
        const int cause = have && l > 0 ? e : SG_EP_SMOOTH;
        const double d = t - tlast;
        if (d > 0) {
            const double v0 = v, i0 = i;
            const double v1 = sg_ep_voltage(d, v0, i0, tm, ts);
            const double i1 = sg_ep_current(d, i0, ts);
            integ += sg_ep_integral(d, v0, i0, tm, ts);
            if (i0 > v0) {  // rising at the start: an interior critical point is a maximum
                const double dp = sg_ep_peak_time(v0, i0, tm, ts);
                if (dp < d) {
                    const double vp = sg_ep_voltage(dp, v0, i0, tm, ts);
                    if (vp > mx) {
                        mx = vp;
                        argt = tlast + dp;
                        arg = SG_EP_SMOOTH;
                    }
                }
            }
            if (v1 > mx) {
                mx = v1;
                argt = t;
                arg = cause;
                avdot = sg_ep_vdot(v1, i1, tm);
            }
            v = v1;
            i = i1;
            tlast = t;
        }
        if (!have) break;
        const int src = l == 0 ? p.in_channels[e] : p.sp_n[base + e];
        i += w[(int64_t)src * size + c];
        e++;
    }
    const int64_t at = (int64_t)b * p.C + c;
    p.ro_max[at] = mx;
    p.ro_argt[at] = argt;
    p.ro_vdot[at] = avdot;
    p.ro_int[at] = integ;
    p.ro_arg[at] = arg;
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

/* Phase 2+2l (thread 0): closes layer l's range; a feed-forward layer's (appended by many
 * threads) is heapsorted by (time, neuron): entries that compare equal are identical (a neuron
 * firing twice at one instant), so order among them does not matter. A recurrent layer's is
 * already in processing order. */
SG_HD void sg_ep_sort_layer(const sg_ep_params& p, int b, int l) {
    int* ls = p.lstart + (int64_t)b * (p.L + 1);
    const int end = p.count[b] < p.cap ? p.count[b] : p.cap;
    ls[l + 1] = end;
    if (p.roff[l] >= 0) return;
    const int64_t base = (int64_t)b * p.cap + ls[l];
    const int64_t n = end - ls[l];
    if (n < 2) return;
    for (int64_t root = n / 2 - 1; root >= 0; --root) sg_ep_sift(p, base, root, n);
    for (int64_t last = n - 1; last > 0; --last) {
        sg_ep_swap(p, base, base + last);
        sg_ep_sift(p, base, 0, last);
    }
}

/* -log softmax(z)[label] into the return value, dz = softmax(z) - onehot(label) (the CPU kernel's cross_entropy). */
SG_HD double sg_ep_cross_entropy(const double* z, double* dz, int C, int label) {
    double mx = -HUGE_VAL;
    for (int c = 0; c < C; c++) mx = fmax(mx, z[c]);
    double sum = 0;
    for (int c = 0; c < C; c++) sum += dz[c] = exp(z[c] - mx);
    for (int c = 0; c < C; c++) dz[c] /= sum;
    dz[label] -= 1.0;
    return -(z[label] - mx - log(sum));
}

SG_HD int sg_ep_argmax(const double* z, int C) {
    int best = 0;
    for (int c = 1; c < C; c++)
        if (z[c] > z[best]) best = c;
    return best;
}

/* Phase 2L+1 (thread 0): the loss as kernels-cpu/eventprop.cpp computes it, dL/dt of every spike
 * (dspike) and dL/dz of the readout (tmp's dz), the sample's outputs and statistics. */
SG_HD void sg_ep_loss(const sg_ep_params& p, int b) {
    const int C = p.C, L = p.L;
    const int64_t base = (int64_t)b * p.cap;
    const int* ls = p.lstart + (int64_t)b * (p.L + 1);
    double* tf = p.tmp + (int64_t)b * 3 * C;
    double* z = tf + C;
    double* dz = z + C;
    int* counts = p.out_counts + (int64_t)b * C;
    double* values = p.out_values + (int64_t)b * C;
    int* first = p.mark + (int64_t)b * p.N + p.noff[L - 1];  // the output layer's marks, reused below
    const int K = ls[L];
    for (int k = 0; k < K; k++) p.dspike[base + k] = 0.0;
    for (int c = 0; c < C; c++) {
        counts[c] = 0;
        first[c] = -1;
    }
    if (!p.readout) {
        for (int k = ls[L - 1]; k < ls[L]; k++) {
            const int c = p.sp_n[base + k];
            if (first[c] < 0) first[c] = k;
            counts[c]++;
        }
    }
    p.spike_totals[b] = K;
    if (p.stored_bytes)
        p.stored_bytes[b] = (long long)K * (long long)(sizeof(double) + sizeof(int) + sizeof(double)) +
                            (p.readout ? (long long)C * (long long)(4 * sizeof(double) + sizeof(int)) : 0);
    const int label = p.labels[b];
    double loss = 0;
    int pred = -1;
    for (int c = 0; c < C; c++) {
        tf[c] = first[c] < 0 ? HUGE_VAL : p.sp_t[base + first[c]];
        dz[c] = 0;
    }
    if (p.loss_kind == SG_EP_LOSS_FIRST_SPIKE) {
        // silent outputs fire "at infinity": out of the softmax, no gradient; a silent label makes
        // the loss the constant log C with no gradient (EventLosses.firstSpikeCrossEntropy)
        double best_t = HUGE_VAL;
        for (int c = 0; c < C; c++) {
            values[c] = tf[c];
            if (first[c] >= 0 && tf[c] < best_t) {
                best_t = tf[c];
                pred = c;
            }
        }
        if (first[label] < 0) {
            loss = log((double)C);
        } else {
            double mx = -HUGE_VAL;
            for (int c = 0; c < C; c++)
                if (first[c] >= 0) {
                    z[c] = -tf[c] / p.tau0;
                    mx = fmax(mx, z[c]);
                }
            double sum = 0;
            for (int c = 0; c < C; c++) if (first[c] >= 0) sum += dz[c] = exp(z[c] - mx);
            for (int c = 0; c < C; c++) if (first[c] >= 0) dz[c] /= sum;
            dz[label] -= 1.0;
            loss = -(z[label] - mx - log(sum));
            const double reg = exp(tf[label] / p.tau1);
            loss += p.alpha * (reg - 1);
            for (int c = 0; c < C; c++) {
                if (first[c] < 0) continue;
                double d = -dz[c] / p.tau0;
                if (c == label) d += p.alpha * reg / p.tau1;
                p.dspike[base + first[c]] += d;
            }
        }
        for (int c = 0; c < C; c++) dz[c] = 0;  // the readout's dL/dz: none
    } else if (p.loss_kind == SG_EP_LOSS_MAX_VOLTAGE || p.loss_kind == SG_EP_LOSS_MEAN_VOLTAGE) {
        const bool is_max = p.loss_kind == SG_EP_LOSS_MAX_VOLTAGE;
        for (int c = 0; c < C; c++) {
            const int64_t at = (int64_t)b * C + c;
            z[c] = values[c] = is_max ? p.ro_max[at] : p.ro_int[at] / p.T;
        }
        loss = sg_ep_cross_entropy(z, dz, C, label);
        for (int c = 0; c < C; c++) dz[c] = 0.0 + dz[c];  // the CPU kernel's dmax/dmean = 0 + dz
        pred = sg_ep_argmax(z, C);
    } else if (p.loss_kind == SG_EP_LOSS_SPIKE_COUNT) {
        for (int c = 0; c < C; c++) z[c] = values[c] = counts[c];
        loss = sg_ep_cross_entropy(z, dz, C, label);  // d(count)/d(parameter) = 0: nothing to inject
        for (int c = 0; c < C; c++) dz[c] = 0;
        pred = sg_ep_argmax(z, C);
    } else {  // SG_EP_LOSS_SPIKE_TIME_SUM
        double sum = 0;
        for (int k = ls[L - 1]; k < ls[L]; k++) {
            sum += p.sp_t[base + k];
            p.dspike[base + k] += 1.0;
        }
        for (int c = 0; c < C; c++) values[c] = tf[c];
        loss = sum;
    }
    p.predictions[b] = pred;
    p.loss[b] = loss;
    if (p.layer_silent) {  // neurons of each layer without a spike (0 for a readout)
        int* mark = p.mark + (int64_t)b * p.N;
        for (int n = 0; n < p.N; n++) mark[n] = 0;
        int* silent = p.layer_silent + (int64_t)b * L;
        for (int l = 0; l < L; l++) {
            silent[l] = sg_ep_is_readout(p, l) ? 0 : p.sizes[l + 1];
            for (int k = ls[l]; k < ls[l + 1]; k++) {
                const int n = p.noff[l] + p.sp_n[base + k];
                if (!mark[n]) {
                    mark[n] = 1;
                    silent[l]--;
                }
            }
        }
    }
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
            if (sg_ep_is_readout(p, l)) {
                for (int c = th.thread; c < p.sizes[l + 1]; c += th.block_dim) sg_ep_forward_readout(p, b, c);
            } else if (p.roff[l] >= 0) {
                if (th.thread == 0) sg_ep_forward_recurrent(p, b, l);
            } else {
                for (int j = th.thread; j < p.sizes[l + 1]; j += th.block_dim) sg_ep_forward_neuron(p, b, l, j);
            }
        } else if (th.thread == 0) {
            sg_ep_sort_layer(p, b, l);
        }
        return;
    }
    if (th.thread == 0) sg_ep_loss(p, b);
}

/* ---- backward ---- */

/* sum_r dL/dz_r Vdot_r^- over the readouts whose maximum is the kink at the arrival of list entry
 * ko (increasing r, as the CPU kernel's kink list) added to c; only for layer L-2 below a readout. */
SG_HD double sg_ep_kink_terms(const sg_ep_params& p, int b, int l, int ko, double c) {
    if (!(p.readout && p.loss_kind == SG_EP_LOSS_MAX_VOLTAGE && l == p.L - 2)) return c;
    const double* dmax = p.tmp + (int64_t)b * 3 * p.C + 2 * p.C;
    for (int r = 0; r < p.C; r++) {
        const int64_t at = (int64_t)b * p.C + r;
        if (p.ro_arg[at] == ko && dmax[r] != 0) c += dmax[r] * p.ro_vdot[at];
    }
    return c;
}

/* The Vdot^- of list entry ko of neuron n with the guard; false on a non-finite value (status set). */
SG_HD bool sg_ep_spike_vdot(const sg_ep_params& p, int b, int64_t at, int n, double* vdot, int* clamps) {
    const double th = p.theta[n], tm = p.tau_mem[n];
    if (!isfinite((p.sp_i[at] - th) / tm)) {
        sg_atomic_max_int(&p.status[b], SG_ERR_BAD_PARAM);
        return false;
    }
    int was;
    *vdot = sg_ep_guarded_vdot(p.sp_i[at], th, tm, p.vdot_floor, &was);
    *clamps += was;
    return true;
}

/* Neuron m of feed-forward LIF layer l, sample b, in reverse time (the reference's backward loop
 * restricted to the events that touch this neuron). */
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
                sg_ep_adjoint_advance_source(d, tm, ts, 0.0, &lam_v, &lam_i);
                tadj = t;
            }
            double s = 0;
            if (up) {
                const double* row = up + (int64_t)(ko - ls[l]) * next;
                double acc = 0;
                for (int q = 0; q < next; q++) acc += row[q];
                s += acc;
            }
            double vdot;
            if (!sg_ep_spike_vdot(p, b, base + ko, n, &vdot, &clamps)) return;
            const double c = sg_ep_kink_terms(p, b, l, ko, p.dspike[base + ko] + th * lam_v + s);
            lam_v = sg_ep_jump(lam_v, c, tm, vdot);
            gth += tm * lam_v;
            ko--;
            while (ko >= ls[l] && p.sp_n[base + ko] != m) ko--;
        } else {
            t = t_pre;
            const double d = tadj - t;
            if (d > 0) {
                sg_ep_adjoint_advance_source(d, tm, ts, 0.0, &lam_v, &lam_i);
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

/* Recurrent LIF layer l, sample b, by one thread, in reverse time: at an own spike of neuron j the
 * next layer's terms, then every neuron q of the layer (the recurrent targets: dL/dr[j][q] and
 * the terms r[j][q] (lambda_Vq - lambda_Iq)), then j's jump; at a presynaptic event dL/dw and the
 * terms for the layer below, for every neuron. The CPU kernel's spike() and input_spike(). */
SG_HD void sg_ep_backward_recurrent(const sg_ep_params& p, int b, int l) {
    const int L = p.L, off = p.noff[l], size = p.sizes[l + 1];
    const double* w = p.w + p.woff[l];
    const double* rw = p.rw + p.roff[l];
    double* g = p.gw + (int64_t)b * p.nw + p.woff[l];
    double* gr = p.grec + (int64_t)b * p.nr + p.roff[l];
    const int64_t base = (int64_t)b * p.cap, so = (int64_t)b * p.N + off;
    double *lv = p.st_v + so, *li = p.st_i + so, *ta = p.st_t + so, *gth = p.gth + so;
    int* clamps = p.clamps + so;
    for (int q = 0; q < size; q++) {
        lv[q] = 0;
        li[q] = 0;
        ta[q] = p.T;
        gth[q] = 0;
        clamps[q] = 0;
    }
    const int* ls = p.lstart + (int64_t)b * (L + 1);
    int ko = ls[l + 1] - 1;
    const int p0 = l == 0 ? p.in_offsets[b] : ls[l - 1];
    int kp = l == 0 ? p.in_end[b] - 1 : ls[l] - 1;
    const int next = l + 1 < L ? p.sizes[l + 2] : 0;
    const double* up = l + 1 < L ? p.contrib + p.coff[(int64_t)b * L + l] : nullptr;
    double* down = l > 0 ? p.contrib + p.coff[(int64_t)b * L + l - 1] : nullptr;
    while (ko >= ls[l] || kp >= p0) {
        const double t_own = ko >= ls[l] ? p.sp_t[base + ko] : -HUGE_VAL;
        const double t_pre = kp >= p0 ? (l == 0 ? p.in_times[kp] : p.sp_t[base + kp]) : -HUGE_VAL;
        if (ko >= ls[l] && t_own >= t_pre) {
            const double t = t_own;
            const int j = p.sp_n[base + ko], n = off + j;
            double s = 0;
            if (up) {
                const double* row = up + (int64_t)(ko - ls[l]) * next;
                double acc = 0;
                for (int q = 0; q < next; q++) acc += row[q];
                s += acc;
            }
            double acc = 0;
            for (int q = 0; q < size; q++) {
                const double d = ta[q] - t;
                if (d > 0) {
                    sg_ep_adjoint_advance_source(d, p.tau_mem[off + q], p.tau_syn[off + q], 0.0, &lv[q], &li[q]);
                    ta[q] = t;
                }
                gr[(int64_t)j * size + q] -= p.tau_syn[off + q] * li[q];
                acc += rw[(int64_t)j * size + q] * (lv[q] - li[q]);
            }
            s += acc;
            double vdot;
            if (!sg_ep_spike_vdot(p, b, base + ko, n, &vdot, &clamps[j])) return;
            const double tm = p.tau_mem[n];
            const double c = sg_ep_kink_terms(p, b, l, ko, p.dspike[base + ko] + p.theta[n] * lv[j] + s);
            lv[j] = sg_ep_jump(lv[j], c, tm, vdot);
            gth[j] += tm * lv[j];
            ko--;
        } else {
            const double t = t_pre;
            const int j = l == 0 ? p.in_channels[kp] : p.sp_n[base + kp];
            for (int q = 0; q < size; q++) {
                const double d = ta[q] - t;
                if (d > 0) {
                    sg_ep_adjoint_advance_source(d, p.tau_mem[off + q], p.tau_syn[off + q], 0.0, &lv[q], &li[q]);
                    ta[q] = t;
                }
                g[(int64_t)j * size + q] -= p.tau_syn[off + q] * li[q];
                if (down) down[(int64_t)(kp - ls[l - 1]) * size + q] = w[(int64_t)j * size + q] * (lv[q] - li[q]);
            }
            kp--;
        }
    }
}

/* Readout neuron c, sample b, in reverse time: the mean-voltage source dL/dm_c / T between events,
 * the max-voltage impulse -dL/dz_c / tau_mem at a smooth maximum (before everything at its time)
 * or right after the arrival that made it a kink; dL/dw and the terms for the layer below at every
 * presynaptic event. */
SG_HD void sg_ep_backward_readout(const sg_ep_params& p, int b, int c) {
    const int L = p.L, l = L - 1, n = p.noff[l] + c, size = p.sizes[l + 1];
    const double tm = p.tau_mem[n], ts = p.tau_syn[n];
    const double* w = p.w + p.woff[l];
    double* g = p.gw + (int64_t)b * p.nw + p.woff[l];
    const int64_t base = (int64_t)b * p.cap, at = (int64_t)b * p.C + c;
    const int* ls = p.lstart + (int64_t)b * (L + 1);
    const double dz = p.tmp[(int64_t)b * 3 * p.C + 2 * p.C + c];
    const double dmax = p.loss_kind == SG_EP_LOSS_MAX_VOLTAGE ? dz : 0.0;
    const double src = p.loss_kind == SG_EP_LOSS_MEAN_VOLTAGE ? dz / p.T : 0.0;
    const int arg = p.ro_arg[at];
    bool impulse = arg == SG_EP_SMOOTH && dmax != 0;
    const double tp = p.ro_argt[at];
    double lam_v = 0, lam_i = 0, tadj = p.T;
    const int p0 = l == 0 ? p.in_offsets[b] : ls[l - 1];
    int kp = l == 0 ? p.in_end[b] - 1 : ls[l] - 1;
    double* down = l > 0 ? p.contrib + p.coff[(int64_t)b * L + l - 1] : nullptr;
    while (kp >= p0 || impulse) {
        const double t_pre = kp >= p0 ? (l == 0 ? p.in_times[kp] : p.sp_t[base + kp]) : -HUGE_VAL;
        const double t = impulse && tp >= t_pre ? tp : t_pre;
        const double d = tadj - t;
        if (d > 0) {
            sg_ep_adjoint_advance_source(d, tm, ts, src, &lam_v, &lam_i);
            tadj = t;
        }
        if (impulse && tp >= t_pre) {
            lam_v -= dmax / tm;
            impulse = false;
            continue;
        }
        const int j = l == 0 ? p.in_channels[kp] : p.sp_n[base + kp];
        g[(int64_t)j * size + c] -= ts * lam_i;
        if (down) down[(int64_t)(kp - ls[l - 1]) * size + c] = w[(int64_t)j * size + c] * (lam_v - lam_i);
        if (kp == arg && dmax != 0) lam_v -= dmax / tm;  // the kink: after the spike's jump in the CPU kernel
        kp--;
    }
    p.gth[(int64_t)b * p.N + n] = 0;
    p.clamps[(int64_t)b * p.N + n] = 0;
}

/* The backward kernel's phase s for block b: layer L-1-s. The per-sample gradients were zeroed
 * by the launcher. */
SG_HD void sg_ep_backward_step(const sg_ep_params& p, sg_thread th, int s) {
    const int b = th.block, l = p.L - 1 - s;
    if (p.status[b] != SG_OK) return;
    if (sg_ep_is_readout(p, l)) {
        for (int c = th.thread; c < p.sizes[l + 1]; c += th.block_dim) sg_ep_backward_readout(p, b, c);
    } else if (p.roff[l] >= 0) {
        if (th.thread == 0) sg_ep_backward_recurrent(p, b, l);
    } else {
        for (int m = th.thread; m < p.sizes[l + 1]; m += th.block_dim) sg_ep_backward_neuron(p, b, l, m);
    }
}

/* Zeroes n doubles (thread q). */
SG_HD void sg_ep_zero_thread(double* d, int64_t n, sg_thread th) {
    const int64_t q = sg_global_index(th);
    if (q < n) d[q] = 0.0;
}

/* n2 plus the squares of g[0..len), in order. */
SG_HD double sg_ep_row_squares(const double* g, int64_t len, double n2) {
    for (int64_t q = 0; q < len; q++) n2 += g[q] * g[q];
    return n2;
}

/* The squared norm of sample b's weight and recurrent-weight gradient summed as the CPU kernel's
 * accumulate() does: row by row in the order its backward first touched each unit (a neuron at
 * its latest spike: its rows of the next layer's and of its own recurrent weights; an input
 * channel at its latest event: its row of layer 0's), walking the layers' spike lists and the
 * inputs backwards as its reverse event loop does (at equal times spikes before inputs, a higher
 * layer's spike before a lower one's: the forward processed them in the other order). */
SG_HD double sg_ep_touched_norm2(const sg_ep_params& p, int64_t b) {
    const int L = p.L, I = p.sizes[0];
    int* seen = p.touched + b * (I + p.N);
    for (int u = 0; u < I + p.N; u++) seen[u] = 0;
    const int64_t base = b * p.cap;
    const int* ls = p.lstart + b * (L + 1);
    const double* gw = p.gw + b * p.nw;
    const double* gr = p.grec + b * p.nr;
    int ko[SG_EP_MAX_LAYERS];
    for (int l = 0; l < L; l++) ko[l] = ls[l + 1] - 1;
    const int e0 = p.in_offsets[b];
    int e = p.in_end[b] - 1;
    double n2 = 0;
    for (;;) {
        int best = -1;
        double tb = -HUGE_VAL;
        for (int l = L - 1; l >= 0; l--)
            if (ko[l] >= ls[l] && (best < 0 || p.sp_t[base + ko[l]] > tb)) {
                best = l;
                tb = p.sp_t[base + ko[l]];
            }
        const double te = e >= e0 ? p.in_times[e] : -HUGE_VAL;
        if (best < 0 && e < e0) break;
        if (best >= 0 && tb >= te) {
            const int l = best, j = p.sp_n[base + ko[l]], u = I + p.noff[l] + j;
            ko[l]--;
            if (seen[u]) continue;
            seen[u] = 1;
            if (l + 1 < L) n2 = sg_ep_row_squares(gw + p.woff[l + 1] + (int64_t)j * p.sizes[l + 2], p.sizes[l + 2], n2);
            if (p.roff[l] >= 0) n2 = sg_ep_row_squares(gr + p.roff[l] + (int64_t)j * p.sizes[l + 1], p.sizes[l + 1], n2);
        } else {
            const int ch = p.in_channels[e--];
            if (seen[ch]) continue;
            seen[ch] = 1;
            n2 = sg_ep_row_squares(gw + (int64_t)ch * p.sizes[1], p.sizes[1], n2);
        }
    }
    return n2;
}

/* Sample b's factor in the batch mean (thread b): 1/B, times c / norm when the norm of its weight
 * and recurrent-weight gradient exceeds c = sample_clip > 0 (the CPU kernel's accumulate()). */
SG_HD void sg_ep_scale_thread(const sg_ep_params& p, sg_thread th) {
    const int64_t b = sg_global_index(th);
    if (b >= p.batch) return;
    double scale = 1.0 / p.batch;
    int clip = 0;
    if (p.sample_clip > 0) {
        const double norm = sqrt(sg_ep_touched_norm2(p, b));
        if (norm > p.sample_clip) {
            scale *= p.sample_clip / norm;
            clip = 1;
        }
    }
    p.scale[b] = scale;
    p.clipped[b] = clip;
}

/* grad[q] = the batch mean of part[.][q] (thread q), summed as the CPU kernel does: each block of
 * SG_EP_BLOCK samples in sample order, then the blocks in block order. */
SG_HD void sg_ep_mean_thread(const double* part, const double* scale, int batch, int64_t n, double* grad,
                             sg_thread th) {
    const int64_t q = sg_global_index(th);
    if (q >= n) return;
    double acc = 0;
    for (int b0 = 0; b0 < batch; b0 += SG_EP_BLOCK) {
        double blk = 0;
        for (int b = b0; b < batch && b < b0 + SG_EP_BLOCK; b++) blk += scale[b] * part[(int64_t)b * n + q];
        acc += blk;
    }
    grad[q] = acc;
}

/* One thread: the batch loss, the clamp and clip counts, the first failing sample's status. */
SG_HD void sg_ep_finish_thread(const sg_ep_params& p, int gradients, double* loss_out, long long* clamped,
                               long long* sample_clipped, int* status_out, sg_thread th) {
    if (sg_global_index(th) != 0) return;
    int st = SG_OK;
    for (int b = 0; b < p.batch && st == SG_OK; b++) st = p.status[b];
    *status_out = st;
    if (st != SG_OK) return;
    double total = 0;
    long long cl = 0, sc = 0;
    for (int b = 0; b < p.batch; b++) {
        total += p.loss[b];
        if (!gradients) continue;
        for (int n = 0; n < p.N; n++) cl += p.clamps[(int64_t)b * p.N + n];
        sc += p.clipped[b];
    }
    *loss_out = total / p.batch;
    *clamped = cl;
    if (sample_clipped) *sample_clipped = sc;
}

#endif
