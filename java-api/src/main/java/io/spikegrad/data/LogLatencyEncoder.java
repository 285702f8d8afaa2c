package io.spikegrad.data;

/**
 * Logarithmic (RC-charging) latency coding: a value {@code v} is a constant input current that
 * charges a leaky membrane {@code tau dV/dt = -V + v} from 0 towards {@code v}; it reaches the
 * threshold {@code theta} at {@code t = tau ln(v / (v - theta))} seconds when {@code v > theta}.
 * Values {@code <= theta} never reach it and send no spike. Times are clipped to the window:
 * {@code t = min(tau ln(v / (v - theta)), window)}, so values just above {@code theta} (whose
 * latency diverges) spike at the end of the window.
 *
 * <p>The latency decreases monotonically in {@code v}; a value of 1 fires first, at
 * {@code tau ln(1 / (1 - theta))}.
 */
public final class LogLatencyEncoder implements EventEncoder {

    private final double tau;
    private final double theta;
    private final double window;

    /**
     * @param tau    membrane time constant in seconds, {@code > 0}
     * @param theta  threshold, in {@code (0, 1)}
     * @param window latest spike time in seconds, {@code > 0}
     */
    public LogLatencyEncoder(double tau, double theta, double window) {
        this.tau = EncoderChecks.positive("tau (s)", tau);
        if (!(theta > 0 && theta < 1)) throw new IllegalArgumentException("theta must be in (0, 1), got " + theta);
        this.theta = theta;
        this.window = EncoderChecks.positive("window (s)", window);
    }

    /**
     * Latency in seconds of value {@code v}: {@code min(tau ln(v / (v - theta)), window)} when
     * {@code v > theta}, {@link Double#POSITIVE_INFINITY} (no spike) otherwise.
     */
    public double latency(double v) {
        if (!(v > theta)) return Double.POSITIVE_INFINITY;
        double t = tau * Math.log(v / (v - theta));
        return Math.min(t, window);
    }

    /** One spike per channel above theta; values must be in [0, 1]. */
    @Override
    public SpikeEvents encode(float[] values) {
        EncoderChecks.unitInterval(values);
        return LatencyEvents.collect(values, this::latency);
    }

    /** The encoding binned on a grid ({@link Binning#toDense(SpikeEvents, int, double, int)}), {@code [steps][values.length]}. */
    public float[] toDense(float[] values, double dt, int steps) {
        return Binning.toDense(encode(values), values.length, dt, steps);
    }
}
