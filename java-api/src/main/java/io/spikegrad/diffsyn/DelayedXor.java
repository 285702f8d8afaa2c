package io.spikegrad.diffsyn;

import java.util.SplittableRandom;

/**
 * The delayed-memory XOR task of Huh &amp; Sejnowski (2018), section 5.2, as independent trials.
 * Channel 0 carries one or two input pulses of random sign, channel 1 a go-cue after a variable
 * delay. On the go-cue the readout must give a pulse of sign XOR: positive for opposite signs
 * (+- or -+), negative for equal signs (++ or --), and stay null when only one pulse came. The six
 * kinds (++, --, +-, -+, +, -) are equally likely. Times in seconds.
 */
public final class DelayedXor {
    private DelayedXor() {}

    /**
     * @param neurons   N (paper: 80)
     * @param dt        time step, s
     * @param pulse     width of the input pulses and of the go-cue, s
     * @param amplitude height of the input pulses and of the go-cue (units of the input x)
     * @param firstMin  earliest first pulse, s
     * @param firstMax  latest first pulse, s
     * @param gapMin    shortest delay from the first to the second pulse, s
     * @param gapMax    longest such delay, s
     * @param goMin     shortest delay from the last pulse to the go-cue, s (one-pulse trials: from the
     *                  first pulse, gapMin + goMin .. gapMax + goMax, so the delay does not give them away)
     * @param goMax     longest such delay, s
     * @param response  length of the output pulse after the go-cue onset, s
     * @param output    peak of the output pulse (a sin^2 bump)
     * @param responseWeight weight of the squared readout error during the response window (the {@code response}
     *                  seconds after the go-cue onset, in every trial, null ones included) relative to the rest
     *                  of the trial, finite and &gt;= 1; 1 is the paper's cost (every step counts the same)
     */
    public record Settings(int neurons, double dt, double pulse, double amplitude, double firstMin, double firstMax,
                           double gapMin, double gapMax, double goMin, double goMax, double response, double output,
                           double responseWeight) {
        public Settings {
            if (!(responseWeight >= 1) || Double.isInfinite(responseWeight))
                throw new IllegalArgumentException("responseWeight must be finite and >= 1, got " + responseWeight);
            if (neurons < 1) throw new IllegalArgumentException("neurons must be >= 1, got " + neurons);
            for (double v : new double[] {dt, pulse, amplitude, response, output})
                if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException("dt, pulse, amplitude, response and output must be finite and > 0");
            if (!(firstMin >= 0 && firstMax >= firstMin && gapMin > 0 && gapMax >= gapMin && goMin > 0 && goMax >= goMin))
                throw new IllegalArgumentException("need 0 <= firstMin <= firstMax, 0 < gapMin <= gapMax, 0 < goMin <= goMax");
        }

        /** The trial length: the latest possible output pulse plus 50 ms. */
        public double duration() {
            return firstMax + gapMax + goMax + response + 0.05;
        }
    }

    public static final int CHANNELS = 2;

    /** The paper's network: N QIF neurons (tau_v), 2 inputs, 1 readout, fast and slow recurrence. */
    public static DiffSynModel model(Settings s, double tauV, double tauFast, double tauSlow, DiffSynGate gate, double width,
                                     double lambda) {
        return new DiffSynModel(DiffSynNeuron.QIF, gate, width, tauV, tauFast, tauSlow, s.dt(), lambda, s.neurons(),
                CHANNELS, 1, true, true);
    }

    /** A batch of trials with what scoring needs. */
    public record Trials(DiffSynBatch batch, int[] expected, int[] goStep, int[] kind) {
        /** The expected sign of trial b: +1, -1, or 0 (null). */
        public int expected(int b) { return expected[b]; }
    }

    /** Kind names, index = kind. */
    public static final String[] KINDS = {"++", "--", "+-", "-+", "+", "-"};

    /**
     * {@code size} trials. Kind k = b mod 6 when {@code balanced} (each kind equally often), otherwise
     * drawn uniformly. Initial voltages uniform in [0, v0Max). The batch carries error weights when
     * {@link Settings#responseWeight()} is not 1.
     */
    public static Trials trials(Settings s, DiffSynModel m, int size, boolean balanced, double v0Max, SplittableRandom rng) {
        int T = m.steps(s.duration()), B = size;
        double[] x = new double[T * B * CHANNELS], target = new double[T * B], v0 = new double[B * m.neurons()];
        double[] weight = s.responseWeight() == 1 ? null : new double[T * B];
        int[] expected = new int[B], go = new int[B], kinds = new int[B];
        for (int b = 0; b < B; b++) {
            int kind = balanced ? b % 6 : rng.nextInt(6);
            kinds[b] = kind;
            int s1 = (kind == 0 || kind == 2 || kind == 4) ? 1 : -1;
            int s2 = (kind == 0 || kind == 3) ? 1 : -1;
            boolean two = kind < 4;
            double t1 = uniform(rng, s.firstMin(), s.firstMax());
            double gap = uniform(rng, s.gapMin(), s.gapMax()), delay = uniform(rng, s.goMin(), s.goMax());
            double t2 = t1 + gap, tGo = t2 + delay;
            int sign = two ? (s1 == s2 ? -1 : 1) : 0;
            expected[b] = sign;
            go[b] = (int) Math.round(tGo / m.dt());
            for (int k = 0; k < T; k++) {
                double t = k * m.dt();
                double in = 0;
                if (t >= t1 && t < t1 + s.pulse()) in = s1 * s.amplitude();
                if (two && t >= t2 && t < t2 + s.pulse()) in = s2 * s.amplitude();
                x[(k * B + b) * CHANNELS] = in;
                x[(k * B + b) * CHANNELS + 1] = t >= tGo && t < tGo + s.pulse() ? s.amplitude() : 0;
                double y = 0;
                boolean responding = t >= tGo && t < tGo + s.response();
                if (responding) {
                    double q = Math.sin(Math.PI * (t - tGo) / s.response());
                    y = sign * s.output() * q * q;
                }
                target[k * B + b] = y;
                if (weight != null) weight[k * B + b] = responding ? s.responseWeight() : 1;
            }
            for (int i = 0; i < m.neurons(); i++) v0[b * m.neurons() + i] = v0Max * rng.nextDouble();
        }
        return new Trials(new DiffSynBatch(T, B, x, target, v0, weight), expected, go, kinds);
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return hi > lo ? lo + (hi - lo) * rng.nextDouble() : lo;
    }

    /**
     * The network's answer on trial b: the mean readout over the response window compared with half
     * the target's mean there (output/4): +1 above, -1 below minus, else 0.
     */
    public static int decide(Settings s, Trials t, double[] readout, int b) {
        int B = t.batch().batch(), T = t.batch().steps();
        int n = (int) Math.round(s.response() / s.dt());
        double sum = 0;
        int c = 0;
        for (int k = t.goStep()[b]; k < Math.min(T, t.goStep()[b] + n); k++) {
            sum += readout[k * B + b];
            c++;
        }
        double mean = c == 0 ? 0 : sum / c, th = s.output() / 4;
        return mean > th ? 1 : (mean < -th ? -1 : 0);
    }
}
