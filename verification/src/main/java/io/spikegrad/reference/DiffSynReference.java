package io.spikegrad.reference;

import io.spikegrad.diffsyn.DiffSynBatch;
import io.spikegrad.diffsyn.DiffSynEngine;
import io.spikegrad.diffsyn.DiffSynGate;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynNeuron;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import io.spikegrad.diffsyn.SimulationDivergedException;

/**
 * Reference of the differentiable synapse (Huh &amp; Sejnowski 2018), forward and exact discrete
 * adjoint, in double precision, written with dense matrix products for clarity (the native kernel,
 * {@code kernels-cpu/diffsyn.cpp}, computes the same sums event-driven). Per sample, step
 * k = 0 .. T-1 ({@code v[0] = v0}, {@code s_fast[0] = s_slow[0] = 0}; per-neuron math in
 * {@link DiffSynMath}, documented in {@code diffsyn_math.h}):
 *
 * <pre>
 *   I[k]   = W_fast s_fast[k] + W_slow s_slow[k] + U x[k] + I_0                     (eq. 4)
 *   u      = flow(v[k], I[k]);  n = spikes(u);  v[k+1] = u - n                      (eq. 3)
 *   c[k]   = n + G(v[k+1]) - G(v[k])
 *   s[k+1] = a s[k] + b c[k],  a = exp(-dt/tau), b = (1 - a)/dt   (fast and slow)   (eq. 2)
 *   e[k]   = O s_slow[k+1] - target[k];   loss = (1/T) sum_k (w[k] . e[k]^2 + lambda |s_slow[k+1]|^2)/2
 * </pre>
 *
 * with w the batch's error weights (all 1 when it has none).
 *
 * Backward, k = T-1 .. 0, from lam_v[T] = 0, lam_fast[T] = 0, lam_slow[T] = d[T]
 * (d[k] = (O^T (w e)[k-1] + lambda s_slow[k])/T):
 *
 * <pre>
 *   lam_c   = b_fast lam_fast[k+1] + b_slow lam_slow[k+1]
 *   lam_u   = lam_v[k+1] + lam_c g(v[k+1]);   q[k] = lam_u du/dI
 *   lam_v[k] = lam_u du/dv - lam_c g(v[k])
 *   lam_fast[k] = a_fast lam_fast[k+1] + W_fast^T q[k]
 *   lam_slow[k] = a_slow lam_slow[k+1] + W_slow^T q[k] + d[k]   (d[0] = 0)
 *   dW_fast += q[k] s_fast[k]^T, dW_slow += q[k] s_slow[k]^T, dU += q[k] x[k]^T, dI_0 += q[k]
 *   dO = sum_k (w e)[k] s_slow[k+1]^T / T,  dv0 = lam_v[0]
 * </pre>
 *
 * the discrete counterparts of the supplement's eqs. (5)-(7) and of the gradient formulas of
 * section 4.3. Gradients are of the batch mean.
 */
public final class DiffSynReference implements DiffSynEngine {

    @Override
    public String name() { return "reference"; }

    @Override
    public DiffSynResult run(DiffSynModel m, DiffSynParams p, DiffSynBatch bt, Request req) {
        DiffSynEngine.check(m, p, bt);
        final int T = bt.steps(), B = bt.batch(), N = m.neurons(), D = m.inputs(), R = m.outputs();
        final DiffSynNeuron neuron = m.neuron();
        final DiffSynGate gate = m.gate();
        final double w = m.width(), dt = m.dt(), tauV = m.tauV();
        final double af = Math.exp(-dt / m.tauFast()), bf = (1.0 - af) / dt;
        final double as = Math.exp(-dt / m.tauSlow()), bs = (1.0 - as) / dt;
        final double[] wf = p.wFast(), ws = p.wSlow(), U = p.u(), I0 = p.i0(), O = p.o();
        final double[] x = bt.x(), target = bt.target(), weight = bt.weight();

        double[] sampleLoss = new double[B];
        double[] readout = req.readout() ? new double[T * B * R] : null;
        byte[] spikes = req.spikes() ? new byte[T * B * N] : null;
        int[] counts = new int[B * N];
        DiffSynParams grad = req.gradients() ? DiffSynParams.zeros(m) : null;
        double[] gradV0 = req.gradients() ? new double[B * N] : null;

        for (int b = 0; b < B; b++) {
            // ---- forward, keeping the trajectory ----
            double[][] v = new double[T + 1][N], sf = new double[T + 1][N], ss = new double[T + 1][N];
            double[][] duDv = new double[T][N], duDi = new double[T][N], e = new double[T][R];   // e: w (o - target)
            for (int i = 0; i < N; i++) v[0][i] = bt.v0()[b * N + i];
            double total = 0;
            for (int k = 0; k < T; k++) {
                double[] c = new double[N];
                for (int i = 0; i < N; i++) {
                    double cur = 0;
                    if (wf != null) for (int j = 0; j < N; j++) cur += wf[i * N + j] * sf[k][j];
                    if (ws != null) for (int j = 0; j < N; j++) cur += ws[i * N + j] * ss[k][j];
                    for (int q = 0; q < D; q++) cur += U[i * D + q] * x[(k * B + b) * D + q];
                    cur += I0[i];
                    if (!Double.isFinite(cur)) throw new SimulationDivergedException("diffsyn (reference)", b, k, i, cur, true);
                    DiffSynMath.Flow fl = DiffSynMath.flow(neuron, v[k][i], cur, dt, tauV);
                    if (fl == null) throw new SimulationDivergedException("diffsyn (reference)", b, k, i, cur, false);
                    int n = DiffSynMath.spikes(neuron, fl.u());
                    v[k + 1][i] = fl.u() - n;
                    c[i] = DiffSynMath.charge(neuron, gate, w, n, v[k][i], v[k + 1][i]);
                    duDv[k][i] = fl.duDv();
                    duDi[k][i] = fl.duDi();
                    counts[b * N + i] += Math.abs(n);
                    if (spikes != null) spikes[(k * B + b) * N + i] = (byte) Math.max(-127, Math.min(127, n));
                }
                for (int i = 0; i < N; i++) {
                    sf[k + 1][i] = af * sf[k][i] + bf * c[i];
                    ss[k + 1][i] = as * ss[k][i] + bs * c[i];
                }
                double l = 0;
                for (int r = 0; r < R; r++) {
                    double o = 0;
                    for (int i = 0; i < N; i++) o += O[r * N + i] * ss[k + 1][i];
                    double err = o - target[(k * B + b) * R + r];
                    e[k][r] = (weight == null ? 1.0 : weight[(k * B + b) * R + r]) * err;
                    l += e[k][r] * err;
                    if (readout != null) readout[(k * B + b) * R + r] = o;
                }
                if (m.lambda() != 0) {
                    double s2 = 0;
                    for (int i = 0; i < N; i++) s2 += ss[k + 1][i] * ss[k + 1][i];
                    l += m.lambda() * s2;
                }
                total += 0.5 * l;
            }
            sampleLoss[b] = total / T;
            if (grad == null) continue;

            // ---- backward: the exact adjoint of the steps above ----
            final double scale = 1.0 / T, batchScale = 1.0 / B;
            double[] lamV = new double[N], lamF = new double[N], lamS = source(T, e, ss, O, m.lambda(), N, R, scale);
            double[] gwf = grad.wFast(), gws = grad.wSlow(), gu = grad.u(), gi0 = grad.i0(), go = grad.o();
            for (int k = T - 1; k >= 0; k--) {
                double[] q = new double[N];
                for (int i = 0; i < N; i++) {
                    double lamC = bf * lamF[i] + bs * lamS[i];
                    double lamU = lamV[i] + lamC * DiffSynMath.gatePdf(neuron, gate, w, v[k + 1][i]);
                    q[i] = lamU * duDi[k][i];
                    lamV[i] = lamU * duDv[k][i] - lamC * DiffSynMath.gatePdf(neuron, gate, w, v[k][i]);
                }
                for (int i = 0; i < N; i++) {
                    double qi = batchScale * q[i];
                    if (gwf != null) for (int j = 0; j < N; j++) gwf[i * N + j] += qi * sf[k][j];
                    if (gws != null) for (int j = 0; j < N; j++) gws[i * N + j] += qi * ss[k][j];
                    for (int d = 0; d < D; d++) gu[i * D + d] += qi * x[(k * B + b) * D + d];
                    gi0[i] += qi;
                }
                double[] nf = new double[N], ns = new double[N];
                double[] dk = k >= 1 ? source(k, e, ss, O, m.lambda(), N, R, scale) : new double[N];
                for (int j = 0; j < N; j++) {
                    double tf = 0, ts = 0;
                    for (int i = 0; i < N; i++) {
                        if (wf != null) tf += wf[i * N + j] * q[i];
                        if (ws != null) ts += ws[i * N + j] * q[i];
                    }
                    nf[j] = af * lamF[j] + tf;
                    ns[j] = as * lamS[j] + ts + dk[j];
                }
                lamF = nf;
                lamS = ns;
            }
            for (int k = 1; k <= T; k++)
                for (int r = 0; r < R; r++)
                    for (int i = 0; i < N; i++) go[r * N + i] += batchScale * scale * e[k - 1][r] * ss[k][i];
            for (int i = 0; i < N; i++) gradV0[b * N + i] = batchScale * lamV[i];
        }
        double mean = 0;
        for (double l : sampleLoss) mean += l;
        return new DiffSynResult(mean / B, sampleLoss, readout, spikes, counts, grad, gradV0);
    }

    /** d[k] = (O^T (w e)[k-1] + lambda s_slow[k]) / T: the loss's direct dependence on s_slow[k], k &gt;= 1. */
    private static double[] source(int k, double[][] e, double[][] ss, double[] O, double lambda, int N, int R, double scale) {
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int r = 0; r < R; r++) s += O[r * N + i] * e[k - 1][r];
            if (lambda != 0) s += lambda * ss[k][i];
            d[i] = scale * s;
        }
        return d;
    }
}
