package io.spikegrad.loss;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Mean squared error between a leaky-integrator readout's membrane and a target waveform
 * (waveform regression: bptt-applications.md; surrogate-gradient-applications.md, "reproducing
 * a continuous target waveform ... mean squared error"). Sample b is compared with the
 * waveform its label selects, y = targets[labels[b]] ([T][C] time-major, y[t*C + c]):
 * <pre>
 *   L = 1/(2B) sum_{t,b,c} (U[t][b][c] - y_{labels[b]}[t][c])^2,
 *   dL/dU[t][b][c] = (U[t][b][c] - y_{labels[b]}[t][c]) / B.
 * </pre>
 * Units: the targets are in membrane units of the readout; L is per sample, summed (not
 * averaged) over steps and channels. The number of waveforms K = targets.length is
 * independent of the readout width C; labels lie in [0, K). The prediction for a sample
 * is the label whose waveform is nearest in squared error (ties: lowest label), so a set of
 * class-specific waveforms doubles as a classifier.
 *
 * <p>Targets are usually given raw (e.g. a sine, or spikes to imitate) while the readout is
 * a low-pass filter of its input; {@link #lowPassOf} and {@link #lowPass} filter them the
 * same way the readout does: y[t] = a y[t-1] + (1 - a) x[t], a = exp(-dt/tau), y[-1] = 0,
 * which is the LI membrane equation U[t] = beta U[t-1] + (1 - beta) I[t] with beta = a.
 */
public final class WaveformMse implements Loss {

    private final float[][] targets;

    /**
     * @param targets [K][T*C] one waveform per label, time-major [T][C], finite; all of the
     *                same length; copied
     */
    public WaveformMse(float[][] targets) {
        Objects.requireNonNull(targets, "targets");
        if (targets.length == 0) throw new IllegalArgumentException("targets must hold at least one waveform, got 0");
        this.targets = new float[targets.length][];
        for (int k = 0; k < targets.length; k++) {
            float[] y = Objects.requireNonNull(targets[k], "targets[" + k + "]");
            if (y.length == 0 || y.length != targets[0].length) {
                throw new IllegalArgumentException("targets[" + k + "] must have the length of targets[0] = " + targets[0].length
                        + " (T*C > 0), got " + y.length);
            }
            for (int i = 0; i < y.length; i++) {
                if (!Float.isFinite(y[i])) throw new IllegalArgumentException("targets[" + k + "][" + i + "] must be finite, got " + y[i]);
            }
            this.targets[k] = y.clone();
        }
    }

    /**
     * A loss on the low-pass filtered versions of raw waveforms: {@code new WaveformMse(lowPass(raw[k], ...))}.
     *
     * @param raw      [K][T*C] raw waveforms, time-major [T][C]
     * @param channels C, the readout width
     * @param tau      filter time constant, seconds, &gt; 0 (normally the readout's tau_mem)
     * @param dt       step, seconds, &gt; 0
     */
    public static WaveformMse lowPassOf(float[][] raw, int channels, double tau, double dt) {
        Objects.requireNonNull(raw, "raw");
        float[][] y = new float[raw.length][];
        for (int k = 0; k < raw.length; k++) y[k] = lowPass(Objects.requireNonNull(raw[k], "raw[" + k + "]"), channels, tau, dt);
        return new WaveformMse(y);
    }

    /**
     * First-order low-pass filter of each channel of a time-major [T][C] waveform:
     * y[t][c] = a y[t-1][c] + (1 - a) x[t][c], a = exp(-dt/tau), starting from y[-1] = 0.
     * A constant input x approaches x with y[t] = x (1 - a^(t+1)).
     *
     * @param x        [T*C] raw waveform, time-major
     * @param channels C &gt;= 1, dividing x.length
     * @param tau      time constant, seconds, finite and &gt; 0
     * @param dt       step, seconds, finite and &gt; 0
     * @return a new [T*C] array
     */
    public static float[] lowPass(float[] x, int channels, double tau, double dt) {
        Objects.requireNonNull(x, "x");
        if (channels < 1 || x.length % channels != 0) {
            throw new IllegalArgumentException("channels must be >= 1 and divide the waveform length " + x.length + ", got " + channels);
        }
        if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("tau (seconds) must be finite and > 0, got " + tau);
        if (!(dt > 0) || Double.isInfinite(dt)) throw new IllegalArgumentException("dt (seconds) must be finite and > 0, got " + dt);
        double a = Math.exp(-dt / tau);
        double[] state = new double[channels];
        float[] y = new float[x.length];
        for (int t = 0, steps = x.length / channels; t < steps; t++) {
            for (int c = 0; c < channels; c++) {
                state[c] = a * state[c] + (1 - a) * x[t * channels + c];
                y[t * channels + c] = (float) state[c];
            }
        }
        return y;
    }

    /** Number of waveforms K (labels lie in [0, K)). */
    public int count() { return targets.length; }

    /** A copy of waveform {@code label}, [T*C] time-major. */
    public float[] target(int label) {
        checkLabel(label);
        return targets[label].clone();
    }

    @Override
    public Signal signal() { return Signal.MEMBRANE; }

    @Override
    public String name() { return "waveform-mse"; }

    @Override
    public double evaluate(FloatBuffer out, int steps, int batch, int classes, int[] labels, FloatBuffer grad, int[] predictions) {
        int size = LossArgs.size(steps, batch, classes, "classes");
        if (targets[0].length != steps * classes) {
            throw new IllegalArgumentException("targets have T*C = " + targets[0].length + " entries per waveform but steps*classes = "
                    + steps + "*" + classes + " = " + steps * classes);
        }
        LossArgs.buffer("out", out, size);
        LossArgs.buffer("grad", grad, size);
        Objects.requireNonNull(labels, "labels");
        if (labels.length < batch) throw new IllegalArgumentException("labels must hold batch = " + batch + " entries, got " + labels.length);
        for (int b = 0; b < batch; b++) checkLabel(labels[b]);
        double total = 0;
        for (int b = 0; b < batch; b++) {
            float[] y = targets[labels[b]];
            for (int t = 0; t < steps; t++) {
                int row = (t * batch + b) * classes;
                for (int c = 0; c < classes; c++) {
                    double e = (double) out.get(row + c) - y[t * classes + c];
                    total += e * e;
                    grad.put(row + c, (float) (e / batch));
                }
            }
            if (predictions != null) predictions[b] = nearest(out, steps, batch, classes, b);
        }
        return total / (2.0 * batch);
    }

    /** The label whose waveform has the smallest squared error to sample b; ties go to the lowest label. */
    private int nearest(FloatBuffer out, int steps, int batch, int classes, int b) {
        int best = 0;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int k = 0; k < targets.length; k++) {
            double err = 0;
            float[] y = targets[k];
            for (int t = 0; t < steps && err < bestErr; t++) {
                int row = (t * batch + b) * classes;
                for (int c = 0; c < classes; c++) {
                    double e = (double) out.get(row + c) - y[t * classes + c];
                    err += e * e;
                }
            }
            if (err < bestErr) {
                bestErr = err;
                best = k;
            }
        }
        return best;
    }

    private void checkLabel(int label) {
        if (label < 0 || label >= targets.length) {
            throw new IllegalArgumentException("label must lie in [0, " + targets.length + "), got " + label);
        }
    }
}
