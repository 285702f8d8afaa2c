package io.spikegrad.eventprop;

import io.spikegrad.data.SpikeEvents;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The EventProp backward pass (adjoint) of one sample, in reverse time, exact: paper table 2,
 * eqs. (2), (10a-b), (30a-c) and (34), derived again below with per-neuron constants, threshold
 * gradients and self-connections.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Superscripts: {@code -} is the value just <i>before</i> a spike in forward time,
 *       {@code +} just <i>after</i> (as in eq. (16) {@code V^+ = V^- - theta} and table 1's jumps;
 *       table 1's caption says the opposite, which contradicts its own jump column). Processing in
 *       reverse, we hold {@code lambda^+} and compute {@code lambda^-}.</li>
 *   <li>{@code '} is the reverse-time derivative {@code -d/dt}. Between events (eq. (10a-b)):
 *       <pre>
 *   tau_mem lambda_V' = -lambda_V - dl_V/dV
 *   tau_syn lambda_I' = -lambda_I + lambda_V
 *       </pre>
 *       with {@code lambda_V(T) = lambda_I(T) = 0}. For a constant source {@code g = dl_V/dV} the
 *       shifted pair {@code mu = lambda + g} obeys the source-free system, whose closed form over a
 *       reverse gap d is {@code mu_V(d) = mu_V0 e^{-d/tau_mem}},
 *       {@code mu_I(d) = mu_I0 e^{-d/tau_syn} + mu_V0 K(d; tau_syn, tau_mem)} ({@link NeuronMath#kernel}).</li>
 *   <li>Weights: {@code w_nm} goes from presynaptic n to postsynaptic m, i.e. {@code weight[n][m]}
 *       and {@code recurrent[n][m]} in our [from][to] layout, as in eq. (2) ({@code w_ij}: i to j).
 *       (Table 1 writes {@code I^+ = I^- + W e_n}, i.e. column n holds n's outgoing weights, which is
 *       why table 2 has {@code W^T}; both say: sum over the weights leaving the spiking neuron.)</li>
 * </ul>
 *
 * <h2>Derivation of the jump (replacing the lost eqs. (13)-(15))</h2>
 * Spike k of neuron n at {@code t_k}; {@code s_X = dX/dp} the sensitivities, {@code tau = dt_k/dp}.
 * The threshold condition {@code V_n(t_k) = theta_n} gives by the implicit function theorem
 * <pre>  s_Vn^- + Vdot_n^- tau = dtheta_n/dp   =>   tau = (dtheta_n/dp - s_Vn^-)/Vdot_n^-  </pre>
 * (DESIGN.md's {@code tau_k = -s_Vn^-/Vdot_n^-} for a weight). The jumps {@code V_n -> V_n - theta_n},
 * {@code I_m -> I_m + w_nm} for every target m (n itself too when {@code w_nn != 0}) give
 * {@code Vdot_m^+ - Vdot_m^- = (theta_n delta_mn + w_nm)/tau_mem,m},
 * {@code Idot_m^+ - Idot_m^- = -w_nm/tau_syn,m} and
 * <pre>
 *   s_Vm^+ = s_Vm^- - (theta_n delta_mn + w_nm) tau / tau_mem,m - delta_mn dtheta_n/dp
 *   s_Im^+ = s_Im^- + w_nm tau / tau_syn,m + dw_nm/dp
 * </pre>
 * Inserting these in the transition term (eq. (12), whose second {@code lambda_I^- . s_V^-} is a
 * misprint for {@code lambda_I^- . s_I^-}), the coefficient of every {@code s^-} must vanish, which
 * gives (30b-c) {@code lambda_I^- = lambda_I^+}, {@code lambda_Vm^- = lambda_Vm^+} (m != n) and
 * <pre>
 *   lambda_Vn^- = lambda_Vn^+ + C / (tau_mem,n Vdot_n^-)                                   (30a)
 *   C = dl_p/dt_k + l_V^- - l_V^+ + theta_n lambda_Vn^+ + sum_m w_nm (lambda_Vm^+ - lambda_Im^+)
 * </pre>
 * which is table 2 (eq. (33) turns eq. (30a)'s {@code Vdot^+/Vdot^-} factor into the
 * {@code theta lambda_V^+} term). What remains of the transition terms is the gradient:
 * <pre>
 *   dL/dw_nm     = -sum over spikes of n of tau_syn,m lambda_Im(t_k)     (2), (31), (32)
 *   dL/dw_in,cm  = -sum over input spikes on c of tau_syn,m lambda_Im     (34)
 *   dL/dtheta_n  = +sum over spikes of n of tau_mem,n lambda_Vn^-(t_k)   (our addition)
 * </pre>
 * with {@code tau_syn} that of the <i>postsynaptic</i> neuron. Since {@code V_n^- = theta_n},
 * {@code Vdot_n^- = (I_n^- - theta_n)/tau_mem,n} needs only the stored {@code I^-}.
 *
 * <h2>Voltage losses on an LI readout</h2>
 * The readout never spikes, so {@code l_V^- = l_V^+} at every spike. {@code m_c = (1/T) int V_c}
 * is the constant source {@code dl_V/dV_c = dL/dm_c / T}. {@code z_c = max_t V_c} is
 * {@code l_V = dL/dz_c delta(t - t*) V_c}: a jump {@code lambda_Vc -> lambda_Vc - (dL/dz_c)/tau_mem,c}
 * when the reverse pass crosses {@code t*}. When {@code t*} is the kink made by the arrival of a
 * hidden spike k ({@code V_c} rising before, falling after), {@code z_c = V_c(t_k^-)} moves with
 * {@code t_k} too: {@code dz_c/dp = s_Vc^- + Vdot_c^- tau}, so {@code (dL/dz_c) Vdot_c^-} joins
 * {@code dl_p/dt_k} in C, and the {@code lambda_Vc} jump is applied after spike k's transition
 * (it belongs to {@code t_k^-}).
 *
 * <h2>Tangential crossings: the guard</h2>
 * The {@code 1/Vdot_n^-} of eq. (30a) diverges as a crossing becomes tangential (paper section
 * 4). Rule: a genuine upward crossing has {@code Vdot^- > 0}; if the stored
 * {@code Vdot^- = (I^- - theta)/tau_mem} is below {@code floor = vdotFloor * theta_n/tau_mem,n}
 * it is replaced by that floor, and {@link Gradients#clampedSpikes()} counts it. With the default
 * {@link #DEFAULT_VDOT_FLOOR} = 1e-6 the clamp bounds the amplification at 1e6 times a typical
 * crossing's and never fires in ordinary runs. A non-finite {@code Vdot^-} is an error, not masked.
 *
 * <h2>Not computed</h2>
 * Gradients with respect to tau_mem and tau_syn (they need integrals of {@code lambda . Vdot}
 * over the trajectory); {@link EventProp} refuses a network whose time constants are learnable.
 */
public final class EventPropBackward {
    private EventPropBackward() {}

    /** Default guard floor on {@code Vdot^-}, relative to {@code theta/tau_mem}. */
    public static final double DEFAULT_VDOT_FLOOR = 1e-6;

    /**
     * Adjoint pass of one sample.
     *
     * @param model     the model the trace was simulated with
     * @param trace     its forward trace
     * @param input     the input spikes it was simulated with
     * @param lossGrad  the loss derivatives for this trace
     * @param vdotFloor guard floor on {@code Vdot^-} relative to {@code theta/tau_mem} (see class comment)
     */
    public static Gradients backward(EventPropModel model, ForwardTrace trace, SpikeEvents input,
                                     LossGradient lossGrad, double vdotFloor) {
        if (lossGrad.dSpikeTime.length != trace.spikeCount()) {
            throw new IllegalArgumentException("lossGrad has " + lossGrad.dSpikeTime.length + " spike entries, the trace " + trace.spikeCount() + " spikes");
        }
        if (!(vdotFloor > 0)) throw new IllegalArgumentException("vdotFloor must be > 0, got " + vdotFloor);
        return new Adjoint(model, trace, lossGrad, vdotFloor).run(input);
    }

    private static final class Adjoint {
        final EventPropModel m;
        final ForwardTrace tr;
        final LossGradient lg;
        final double vdotFloor;
        final int N, L;
        final int[] layerOf, local;
        final double[] tauMem, tauSyn, theta;
        final double[] lamV, lamI, tAdj, source;
        final Gradients g;
        final int readoutOffset;
        /** For each spike k, the readout neurons whose maximum is the kink at its arrival (mostly null). */
        final int[][] kinksAt;

        Adjoint(EventPropModel m, ForwardTrace tr, LossGradient lg, double vdotFloor) {
            this.m = m;
            this.tr = tr;
            this.lg = lg;
            this.vdotFloor = vdotFloor;
            N = m.neurons();
            L = m.layerCount();
            layerOf = new int[N];
            local = new int[N];
            tauMem = new double[N];
            tauSyn = new double[N];
            theta = new double[N];
            for (int l = 0; l < L; l++) {
                EventPropModel.LayerModel lm = m.layer(l);
                for (int j = 0; j < lm.size(); j++) {
                    int n = m.offset(l) + j;
                    layerOf[n] = l;
                    local[n] = j;
                    tauMem[n] = lm.tauMem()[j];
                    tauSyn[n] = lm.tauSyn()[j];
                    theta[n] = lm.threshold()[j];
                }
            }
            lamV = new double[N];
            lamI = new double[N];
            tAdj = new double[N];
            java.util.Arrays.fill(tAdj, tr.duration());
            source = new double[N];
            g = new Gradients(m);
            readoutOffset = m.offset(L - 1);
            kinksAt = new int[tr.spikeCount()][];
            if (!m.output().spiking()) {
                for (int c = 0; c < m.output().size(); c++) {
                    source[readoutOffset + c] = lg.dMeanV[c] / tr.duration();
                    int k = tr.argmaxSpike(c);
                    if (k >= 0 && lg.dMaxV[c] != 0) {
                        int[] old = kinksAt[k];
                        int[] nw = old == null ? new int[1] : java.util.Arrays.copyOf(old, old.length + 1);
                        nw[nw.length - 1] = c;
                        kinksAt[k] = nw;
                    }
                }
            }
        }

        Gradients run(SpikeEvents input) {
            // smooth-maximum impulses (interior, at T, or at a fixed input arrival), latest first
            List<double[]> impulses = new ArrayList<>();
            if (!m.output().spiking()) {
                for (int c = 0; c < m.output().size(); c++) {
                    if (tr.argmaxSpike(c) == ForwardTrace.SMOOTH && lg.dMaxV[c] != 0) impulses.add(new double[] {tr.argmaxTime(c), c});
                }
                impulses.sort(Comparator.comparingDouble((double[] a) -> a[0]).reversed());
            }
            int k = tr.spikeCount() - 1;
            int e = input.size() - 1;
            while (e >= 0 && input.time(e) > tr.duration()) e--;          // ignored by the forward too
            int p = 0;
            // Reverse of the forward order; at equal times the forward ran inputs before spikes,
            // and a maximum at time t is read after everything at t.
            while (k >= 0 || e >= 0 || p < impulses.size()) {
                double tk = k >= 0 ? tr.spikeTime(k) : Double.NEGATIVE_INFINITY;
                double te = e >= 0 ? input.time(e) : Double.NEGATIVE_INFINITY;
                double tp = p < impulses.size() ? impulses.get(p)[0] : Double.NEGATIVE_INFINITY;
                if (p < impulses.size() && tp >= tk && tp >= te) {
                    int c = (int) impulses.get(p++)[1];
                    impulse(c, tp);
                } else if (k >= 0 && tk >= te) {
                    spike(k--);
                } else {
                    inputSpike(input.channel(e), te);
                    e--;
                }
            }
            return g;
        }

        /** Closed-form reverse integration of neuron n's adjoint from tAdj[n] down to t. */
        void advance(int n, double t) {
            double d = tAdj[n] - t;
            if (!(d > 0)) return;
            double src = source[n], tm = tauMem[n], ts = tauSyn[n];
            double muV = lamV[n] + src, muI = lamI[n] + src;
            lamI[n] = muI * Math.exp(-d / ts) + muV * NeuronMath.kernel(d, ts, tm) - src;
            lamV[n] = muV * Math.exp(-d / tm) - src;
            tAdj[n] = t;
        }

        /** l_V = dL/dz_c delta(t - t*) V_c: lambda_Vc drops by dL/dz_c / tau_mem when crossing t* backwards. */
        void impulse(int c, double t) {
            int n = readoutOffset + c;
            advance(n, t);
            lamV[n] -= lg.dMaxV[c] / tauMem[n];
        }

        /** A fixed input spike on channel ch: eq. (34). */
        void inputSpike(int ch, double t) {
            EventPropModel.LayerModel l0 = m.layer(0);
            int size = l0.size();
            double[] gw = g.weight[0];
            for (int j = 0; j < size; j++) {
                int n = m.offset(0) + j;
                advance(n, t);
                gw[ch * size + j] -= tauSyn[n] * lamI[n];
            }
        }

        /** Spike k: weight gradients (eq. (2)), then the jump of the firing neuron's lambda_V (eq. (30a)). */
        void spike(int k) {
            int n = tr.spikeNeuron(k), l = layerOf[n], j = local[n];
            double t = tr.spikeTime(k);
            double sum = 0;                                    // sum_m w_nm (lambda_Vm^+ - lambda_Im)
            if (l + 1 < L) {
                EventPropModel.LayerModel next = m.layer(l + 1);
                sum += targets(next.weight(), g.weight[l + 1], j, next.size(), m.offset(l + 1), t);
            }
            EventPropModel.LayerModel own = m.layer(l);
            if (own.recurrent() != null) sum += targets(own.recurrent(), g.recurrent[l], j, own.size(), m.offset(l), t);
            advance(n, t);
            double tm = tauMem[n];
            double vdot = (tr.spikeCurrent(k) - theta[n]) / tm;
            if (!Double.isFinite(vdot)) {
                throw new IllegalStateException("spike " + k + " of neuron " + n + " at t = " + t + " s has a non-finite Vdot^- (I^- = " + tr.spikeCurrent(k) + ")");
            }
            double floor = vdotFloor * theta[n] / tm;
            if (vdot < floor) {
                vdot = floor;
                g.clampedSpikes++;
            }
            double c = lg.dSpikeTime[k] + theta[n] * lamV[n] + sum;
            int[] kinks = kinksAt[k];
            if (kinks != null) for (int r : kinks) c += lg.dMaxV[r] * tr.argmaxVdotMinus(r);
            lamV[n] += c / (tm * vdot);
            g.threshold[l][j] += tm * lamV[n];
            if (kinks != null) for (int r : kinks) lamV[readoutOffset + r] -= lg.dMaxV[r] / tauMem[readoutOffset + r];
        }

        /** Row j of w onto neurons offset..offset+size-1: accumulates -tau_syn lambda_I into gw, returns sum w (lambda_V - lambda_I). */
        double targets(double[] w, double[] gw, int j, int size, int offset, double t) {
            double sum = 0;
            for (int mm = 0; mm < size; mm++) {
                int q = offset + mm;
                advance(q, t);
                gw[j * size + mm] -= tauSyn[q] * lamI[q];
                sum += w[j * size + mm] * (lamV[q] - lamI[q]);
            }
            return sum;
        }
    }
}
