package io.spikegrad.diffsyn;

import java.util.SplittableRandom;

/**
 * The predictive-coding task of Huh &amp; Sejnowski (2018), section 5.1: a network of bi-threshold NIF
 * neurons with fast recurrent synapses (tau 1 ms) and a slow readout (tau_s 10 ms) receives two
 * random sum-of-sinusoid signals of period 1200 ms and must reproduce them low-pass filtered with
 * tau_s, {@code tau_s do_d/dt = -o_d + i}, with as few spikes as possible (the lambda |s|^2 cost).
 * The theory (Boerlin, Machens &amp; Deneve 2013) predicts {@code U ~ O^T} and {@code W ~ -U O}.
 */
public final class PredictiveCoding {
    private PredictiveCoding() {}

    /**
     * @param neurons   N (paper: 30)
     * @param dt        time step, s
     * @param rms       root-mean-square amplitude of each input signal (its units are those of I/U, 1/s)
     * @param harmonics sinusoids per signal, frequencies k/period, k = 1 .. harmonics
     * @param period    signal period, s (paper: 1.2)
     */
    public record Settings(int neurons, double dt, double rms, int harmonics, double period) {
        public Settings {
            if (neurons < 1) throw new IllegalArgumentException("neurons must be >= 1, got " + neurons);
            if (!(dt > 0)) throw new IllegalArgumentException("dt must be > 0, got " + dt);
            if (!(rms > 0) || Double.isInfinite(rms)) throw new IllegalArgumentException("rms must be finite and > 0, got " + rms);
            if (harmonics < 1) throw new IllegalArgumentException("harmonics must be >= 1, got " + harmonics);
            if (!(period > 0) || Double.isInfinite(period)) throw new IllegalArgumentException("period must be finite and > 0, got " + period);
        }
    }

    public static final int CHANNELS = 2;
    public static final double TAU_FAST = 1e-3, TAU_SLOW = 10e-3;

    /** The paper's network: N NIF neurons, 2 inputs, 2 readouts, fast recurrence W (no slow recurrence). */
    public static DiffSynModel model(Settings s, DiffSynGate gate, double width, double lambda, boolean recurrent) {
        return new DiffSynModel(DiffSynNeuron.NIF, gate, width, 1.0, TAU_FAST, TAU_SLOW, s.dt(), lambda, s.neurons(),
                CHANNELS, CHANNELS, recurrent, false);
    }

    /**
     * {@code size} samples of {@code duration} seconds: each channel a random sum of sinusoids
     * (normal amplitudes, uniform phases, scaled to the settings' rms), the target its low-pass
     * filter with tau_slow integrated like the readout synapse (o_d[k+1] = a o_d[k] + (1-a) i[k],
     * o_d[0] = 0), initial voltages uniform in [-0.5, 0.5).
     */
    public static DiffSynBatch batch(Settings s, DiffSynModel m, int size, double duration, SplittableRandom rng) {
        int T = m.steps(duration), B = size, D = CHANNELS, H = s.harmonics();
        double[] x = new double[T * B * D], target = new double[T * B * D], v0 = new double[B * m.neurons()];
        double a = Math.exp(-m.dt() / m.tauSlow());
        for (int b = 0; b < B; b++) {
            for (int c = 0; c < D; c++) {
                double[] amp = new double[H], phase = new double[H];
                double power = 0;
                for (int h = 0; h < H; h++) {
                    amp[h] = DiffSynParams.gaussian(rng);
                    phase[h] = 2 * Math.PI * rng.nextDouble();
                    power += amp[h] * amp[h] / 2;
                }
                double scale = s.rms() / Math.sqrt(power);
                double od = 0;
                for (int k = 0; k < T; k++) {
                    double t = k * m.dt(), val = 0;
                    for (int h = 0; h < H; h++) val += amp[h] * Math.sin(2 * Math.PI * (h + 1) * t / s.period() + phase[h]);
                    val *= scale;
                    x[(k * B + b) * D + c] = val;
                    od = a * od + (1 - a) * val;
                    target[(k * B + b) * D + c] = od;
                }
            }
            for (int i = 0; i < m.neurons(); i++) v0[b * m.neurons() + i] = rng.nextDouble() - 0.5;
        }
        return new DiffSynBatch(T, B, x, target, v0);
    }

    /** Normalised mean squared error sum (o - o_d)^2 / sum o_d^2. */
    public static double nmse(double[] readout, double[] target) {
        double num = 0, den = 0;
        for (int k = 0; k < target.length; k++) {
            double d = readout[k] - target[k];
            num += d * d;
            den += target[k] * target[k];
        }
        return num / den;
    }

    /** Pearson correlation of U[i][m] with O[m][i] over all i, m (the prediction U ~ O^T). */
    public static double corrUOt(DiffSynModel m, DiffSynParams p) {
        int N = m.neurons(), D = m.inputs();
        double[] a = new double[N * D], b = new double[N * D];
        for (int i = 0; i < N; i++)
            for (int c = 0; c < D; c++) {
                a[i * D + c] = p.u()[i * D + c];
                b[i * D + c] = p.o()[c * N + i];
            }
        return pearson(a, b);
    }

    /** Pearson correlation of W_fast[i][j] with -(U O)[i][j] over i != j (the prediction W ~ -U O). */
    public static double corrWminusUO(DiffSynModel m, DiffSynParams p) {
        int N = m.neurons(), D = m.inputs();
        double[] a = new double[N * (N - 1)], b = new double[N * (N - 1)];
        int k = 0;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                if (i == j) continue;
                double uo = 0;
                for (int c = 0; c < D; c++) uo += p.u()[i * D + c] * p.o()[c * N + j];
                a[k] = p.wFast()[i * N + j];
                b[k] = -uo;
                k++;
            }
        return pearson(a, b);
    }

    /** Pearson's r; NaN when either side is constant. */
    public static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0, mb = 0;
        for (int k = 0; k < n; k++) {
            ma += a[k];
            mb += b[k];
        }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int k = 0; k < n; k++) {
            sab += (a[k] - ma) * (b[k] - mb);
            saa += (a[k] - ma) * (a[k] - ma);
            sbb += (b[k] - mb) * (b[k] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
