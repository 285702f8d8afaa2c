package io.spikegrad.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Rate (Bernoulli) coding on a time grid: in each of {@code steps} steps of {@code dt} seconds,
 * channel {@code c} spikes with probability {@code p = values[c] * maxRate * dt}, independently,
 * so its expected count over the window is {@code values[c] * maxRate * steps * dt}.
 *
 * <p>Units: {@code maxRate} in Hz (spikes per second) is the rate of a value of 1; {@code dt} in
 * seconds. {@code maxRate * dt <= 1} is required so that {@code p} is a probability.
 *
 * <p>Deterministic given the random generator: the generator is drawn exactly
 * {@code steps * values.length} times, step-major ({@code for k: for c: rng.nextDouble() < p[c]}),
 * whatever the values, so the dense and event forms of one seed agree and the generator's state
 * afterwards does not depend on the data. Events are placed at the start {@code k * dt} of their
 * step, so {@link Binning} maps them back to step {@code k}.
 */
public final class RateEncoder {

    private final double maxRate;
    private final double dt;
    private final int steps;

    /**
     * @param maxRate rate in Hz of a value of 1, {@code >= 0}
     * @param dt      step in seconds, {@code > 0}, with {@code maxRate * dt <= 1}
     * @param steps   number of steps {@code T}, {@code >= 1}
     */
    public RateEncoder(double maxRate, double dt, int steps) {
        this.maxRate = EncoderChecks.nonNegative("maxRate (Hz)", maxRate);
        this.dt = EncoderChecks.positive("dt (s)", dt);
        this.steps = EncoderChecks.positive("steps", steps);
        if (maxRate * dt > 1) {
            throw new IllegalArgumentException("maxRate * dt must be <= 1 (a spike probability per step), got "
                    + maxRate + " Hz * " + dt + " s = " + maxRate * dt);
        }
    }

    /** Rate in Hz of a value of 1. */
    public double maxRate() {
        return maxRate;
    }

    /** Step in seconds. */
    public double dt() {
        return dt;
    }

    /** Number of steps. */
    public int steps() {
        return steps;
    }

    /** Spike probability per step of a value {@code v} in [0, 1]: {@code v * maxRate * dt}. */
    public double probability(double v) {
        return v * maxRate * dt;
    }

    /** Spikes as a fresh {@code [steps][values.length]} array of 0/1. */
    public float[] toDense(float[] values, SplittableRandom rng) {
        EncoderChecks.unitInterval(values);
        float[] out = new float[Math.multiplyExact(steps, values.length)];
        toDense(values, rng, out, 0, values.length);
        return out;
    }

    /**
     * Writes spikes (0/1) of step {@code k}, channel {@code c} to
     * {@code dst[offset + k * rowStride + c]}; nothing else is touched. For a batch
     * {@code [T][B][C]}, sample {@code b} uses {@code offset = b * C}, {@code rowStride = B * C}.
     */
    public void toDense(float[] values, SplittableRandom rng, float[] dst, int offset, int rowStride) {
        EncoderChecks.unitInterval(values);
        int c = values.length;
        if (rowStride < c) throw new IllegalArgumentException("rowStride must be >= channels = " + c + ", got " + rowStride);
        EncoderChecks.range("dst", dst, offset, (long) (steps - 1) * rowStride + c);
        double[] p = probabilities(values);
        for (int k = 0; k < steps; k++) {
            int row = offset + k * rowStride;
            for (int i = 0; i < c; i++) dst[row + i] = rng.nextDouble() < p[i] ? 1f : 0f;
        }
    }

    /** Spikes as events over {@code values.length} channels, each at the start {@code k * dt} of its step. */
    public SpikeEvents toEvents(float[] values, SplittableRandom rng) {
        EncoderChecks.unitInterval(values);
        double[] p = probabilities(values);
        int c = values.length;
        double[] times = new double[16];
        int[] ids = new int[16];
        int n = 0;
        for (int k = 0; k < steps; k++) {
            for (int i = 0; i < c; i++) {
                if (rng.nextDouble() < p[i]) {
                    if (n == times.length) {
                        times = Arrays.copyOf(times, 2 * n);
                        ids = Arrays.copyOf(ids, 2 * n);
                    }
                    times[n] = k * dt;
                    ids[n++] = i;
                }
            }
        }
        return SpikeEvents.adopt(c, Arrays.copyOf(times, n), Arrays.copyOf(ids, n));
    }

    private double[] probabilities(float[] values) {
        double[] p = new double[values.length];
        for (int i = 0; i < p.length; i++) p[i] = probability(values[i]);
        return p;
    }
}
