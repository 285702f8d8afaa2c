package io.spikegrad.eventprop;

/**
 * The losses the EventProp reference supports. All act on the network's last layer; the
 * spike-based ones need it to be LIF, the voltage ones an LI readout.
 *
 * <ul>
 *   <li>{@link #firstSpikeCrossEntropy}: paper eq. (35), time-to-first-spike cross-entropy with
 *       the early-spike regulariser;</li>
 *   <li>{@link #maxVoltageCrossEntropy} and {@link #meanVoltageCrossEntropy}: cross-entropy on
 *       {@code max_t V_c} or on {@code (1/T) int_0^T V_c dt} of an LI readout (table 2's
 *       {@code l_V} terms: a delta at the argmax, a constant source);</li>
 *   <li>{@link #spikeCountCrossEntropy}: cross-entropy on output spike counts. Counts are piecewise
 *       constant in the parameters, so its exact gradient is zero wherever it exists; EventProp
 *       returns exactly that (no surrogate);</li>
 *   <li>{@link #spikeTimeSum}: the sum of all output spike times (the loss of the paper's figure 1).</li>
 * </ul>
 */
public final class EventLosses {
    private EventLosses() {}

    /** Later defaults of the EventProp authors (notes/calibration.md): tau0 = 0.5 ms, tau1 = 6.4 ms, alpha = 0.003. */
    public static EventLoss firstSpikeCrossEntropy() {
        return firstSpikeCrossEntropy(0.5e-3, 6.4e-3, 0.003);
    }

    /**
     * Eq. (35) with {@code xi tau_syn = tau0} and {@code beta tau_syn = tau1}:
     * <pre>  L = -log softmax(-t/tau0)[label] + alpha (exp(t_label/tau1) - 1)  </pre>
     * where {@code t_c} is output neuron c's first spike time.
     *
     * <p><b>Silent output neurons</b> (no spike in {@code [0, T]}) have no first-spike time to move, so
     * no gradient flows through them; as in the authors' code they fire "at infinity":
     * <ul>
     *   <li>a silent neuron other than the label leaves the softmax ({@code exp(-t/tau0) = 0});</li>
     *   <li>a silent <i>label</i> neuron makes the sample's loss the constant {@code log C} (the
     *       cross-entropy when every output fires at the same time; the regulariser has no finite
     *       value at {@code t = infinity}) with zero gradient, as the authors' code skips such a
     *       sample. Treating the label as firing at T instead would push every other output
     *       later, towards silence, which is how runs with that rule collapsed. The
     *       silent-neuron bump of {@link EventPropTrainer} (paper, section 3) is what can revive
     *       such a label neuron. (The authors simulate without an end time; on Yin-Yang the
     *       latest first output spike we saw in training is 52.5 ms, and a 200 ms window gave the same runs.)</li>
     * </ul>
     * Prediction and accuracy (calibration.md): a sample is correct when the label neuron spikes
     * and no other output spikes earlier ({@link EventLoss#correct}).
     */
    public static EventLoss firstSpikeCrossEntropy(double tau0, double tau1, double alpha) {
        if (!(tau0 > 0) || !(tau1 > 0) || !(alpha >= 0)) {
            throw new IllegalArgumentException("need tau0 > 0, tau1 > 0 and alpha >= 0, got " + tau0 + ", " + tau1 + ", " + alpha);
        }
        return new FirstSpike(tau0, tau1, alpha);
    }

    /** Eq. (35) in the paper's parametrisation (figure 4: xi 0.4, beta 2, alpha 1e-2, tau_syn 5 ms). */
    public static EventLoss firstSpikeCrossEntropyPaper(double xi, double beta, double alpha, double tauSyn) {
        return firstSpikeCrossEntropy(xi * tauSyn, beta * tauSyn, alpha);
    }

    /** Cross-entropy on {@code z_c = max over [0, T] of V_c} of the LI readout. */
    public static EventLoss maxVoltageCrossEntropy() {
        return new Voltage(true);
    }

    /** Cross-entropy on {@code z_c = (1/T) int_0^T V_c dt} of the LI readout. */
    public static EventLoss meanVoltageCrossEntropy() {
        return new Voltage(false);
    }

    /** Cross-entropy on output spike counts; its exact gradient is zero (see the class comment). */
    public static EventLoss spikeCountCrossEntropy() {
        return new SpikeCount();
    }

    /** {@code L = sum of the times of all spikes of the last (LIF) layer}; the label is ignored. */
    public static EventLoss spikeTimeSum() {
        return new SpikeTimeSum();
    }

    // ------------------------------------------------------------------------------------------

    /** {@code -log softmax(z)[label]}; writes {@code softmax(z) - onehot(label)} into dz. */
    static double crossEntropy(double[] z, int label, double[] dz) {
        if (label < 0 || label >= z.length) throw new IllegalArgumentException("label must lie in [0, " + z.length + "), got " + label);
        double max = Double.NEGATIVE_INFINITY;
        for (double x : z) max = Math.max(max, x);
        double sum = 0;
        for (int c = 0; c < z.length; c++) sum += dz[c] = Math.exp(z[c] - max);
        for (int c = 0; c < z.length; c++) dz[c] /= sum;
        dz[label] -= 1.0;
        return -(z[label] - max - Math.log(sum));
    }

    static int argmax(double[] z) {
        int best = 0;
        for (int c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
        return best;
    }

    static void requireSpiking(EventPropModel m, String loss) {
        if (!m.output().spiking()) {
            throw new IllegalArgumentException(loss + " needs a spiking (LIF) last layer, '" + m.output().name() + "' is an LI readout");
        }
    }

    static void requireReadout(EventPropModel m, String loss) {
        if (m.output().spiking()) {
            throw new IllegalArgumentException(loss + " needs an LI readout as last layer, '" + m.output().name() + "' spikes");
        }
    }

    private record FirstSpike(double tau0, double tau1, double alpha) implements EventLoss {
        @Override
        public double evaluate(EventPropModel m, ForwardTrace tr, int label, LossGradient g) {
            requireSpiking(m, name());
            int C = m.output().size(), off = m.offset(m.layerCount() - 1);
            if (label < 0 || label >= C) throw new IllegalArgumentException("label must lie in [0, " + C + "), got " + label);
            int[] first = new int[C];
            for (int c = 0; c < C; c++) first[c] = tr.firstSpike(off + c);
            if (first[label] < 0) return silentLabelLoss(C);
            // softmax over the outputs that spiked; the silent ones are at t = infinity
            int spiking = 0;
            for (int c = 0; c < C; c++) if (first[c] >= 0) spiking++;
            double[] z = new double[spiking], dz = new double[spiking];
            int[] idx = new int[spiking];
            int at = 0, labelAt = -1;
            for (int c = 0; c < C; c++) {
                if (first[c] < 0) continue;
                if (c == label) labelAt = at;
                idx[at] = c;
                z[at++] = -tr.spikeTime(first[c]) / tau0;
            }
            double loss = crossEntropy(z, labelAt, dz);
            double reg = Math.exp(tr.spikeTime(first[label]) / tau1);
            loss += alpha * (reg - 1);
            for (int a = 0; a < spiking; a++) {
                int c = idx[a];
                double d = -dz[a] / tau0;                         // dz_c/dt_c = -1/tau0
                if (c == label) d += alpha * reg / tau1;
                g.dSpikeTime[first[c]] += d;
            }
            return loss;
        }

        /** The constant loss of a sample whose label neuron is silent (see the factory's comment). */
        static double silentLabelLoss(int classes) {
            return Math.log(classes);
        }

        @Override
        public int predict(EventPropModel m, ForwardTrace tr) {
            int C = m.output().size(), off = m.offset(m.layerCount() - 1), best = -1;
            double bestT = Double.POSITIVE_INFINITY;
            for (int c = 0; c < C; c++) {
                int k = tr.firstSpike(off + c);
                if (k >= 0 && tr.spikeTime(k) < bestT) {
                    bestT = tr.spikeTime(k);
                    best = c;
                }
            }
            return best;
        }

        @Override
        public boolean correct(EventPropModel m, ForwardTrace tr, int label) {
            int C = m.output().size(), off = m.offset(m.layerCount() - 1);
            double[] t = new double[C];
            for (int c = 0; c < C; c++) {
                int k = tr.firstSpike(off + c);
                t[c] = k < 0 ? Double.POSITIVE_INFINITY : tr.spikeTime(k);
            }
            return firstSpikeCorrect(t, label);
        }

        @Override
        public io.spikegrad.cpu.NativeEventProp.Loss nativeLoss() {
            return io.spikegrad.cpu.NativeEventProp.Loss.firstSpike(tau0, tau1, alpha);
        }

        @Override
        public String name() { return "first-spike-ce(tau0=" + tau0 + ", tau1=" + tau1 + ", alpha=" + alpha + ")"; }
    }

    /**
     * The accuracy rule of calibration.md on first spike times ({@code +infinity} when silent): the
     * label neuron spikes and no other output spikes earlier (ties count as correct).
     */
    public static boolean firstSpikeCorrect(double[] firstTimes, int label) {
        double tl = firstTimes[label];
        if (!(tl < Double.POSITIVE_INFINITY)) return false;
        for (double t : firstTimes) if (t < tl) return false;
        return true;
    }

    private record Voltage(boolean max) implements EventLoss {
        @Override
        public double evaluate(EventPropModel m, ForwardTrace tr, int label, LossGradient g) {
            requireReadout(m, name());
            int C = m.output().size();
            double[] z = logits(m, tr), dz = new double[C];
            double loss = crossEntropy(z, label, dz);
            for (int c = 0; c < C; c++) {
                if (max) g.dMaxV[c] += dz[c];
                else g.dMeanV[c] += dz[c];
            }
            return loss;
        }

        double[] logits(EventPropModel m, ForwardTrace tr) {
            double[] z = new double[m.output().size()];
            for (int c = 0; c < z.length; c++) z[c] = max ? tr.maxV(c) : tr.meanV(c);
            return z;
        }

        @Override
        public int predict(EventPropModel m, ForwardTrace tr) { return argmax(logits(m, tr)); }

        @Override
        public io.spikegrad.cpu.NativeEventProp.Loss nativeLoss() {
            return io.spikegrad.cpu.NativeEventProp.Loss.of(max ? io.spikegrad.cpu.NativeEventProp.Kind.MAX_VOLTAGE
                    : io.spikegrad.cpu.NativeEventProp.Kind.MEAN_VOLTAGE);
        }

        @Override
        public String name() { return max ? "max-voltage-ce" : "mean-voltage-ce"; }
    }

    private record SpikeCount() implements EventLoss {
        @Override
        public double evaluate(EventPropModel m, ForwardTrace tr, int label, LossGradient g) {
            requireSpiking(m, name());
            double[] z = logits(m, tr);
            return crossEntropy(z, label, new double[z.length]);   // d(count)/d(parameter) = 0: nothing to inject
        }

        double[] logits(EventPropModel m, ForwardTrace tr) {
            int off = m.offset(m.layerCount() - 1);
            double[] z = new double[m.output().size()];
            for (int c = 0; c < z.length; c++) z[c] = tr.spikeCount(off + c);
            return z;
        }

        @Override
        public int predict(EventPropModel m, ForwardTrace tr) { return argmax(logits(m, tr)); }

        @Override
        public io.spikegrad.cpu.NativeEventProp.Loss nativeLoss() {
            return io.spikegrad.cpu.NativeEventProp.Loss.of(io.spikegrad.cpu.NativeEventProp.Kind.SPIKE_COUNT);
        }

        @Override
        public String name() { return "spike-count-ce"; }
    }

    private record SpikeTimeSum() implements EventLoss {
        @Override
        public double evaluate(EventPropModel m, ForwardTrace tr, int label, LossGradient g) {
            requireSpiking(m, name());
            int off = m.offset(m.layerCount() - 1);
            double sum = 0;
            for (int k = 0; k < tr.spikeCount(); k++) {
                if (tr.spikeNeuron(k) >= off) {
                    sum += tr.spikeTime(k);
                    g.dSpikeTime[k] += 1.0;
                }
            }
            return sum;
        }

        @Override
        public io.spikegrad.cpu.NativeEventProp.Loss nativeLoss() {
            return io.spikegrad.cpu.NativeEventProp.Loss.of(io.spikegrad.cpu.NativeEventProp.Kind.SPIKE_TIME_SUM);
        }

        @Override
        public String name() { return "spike-time-sum"; }
    }
}
