package io.spikegrad.data;

/**
 * Linear latency coding: each channel whose value exceeds {@code threshold} spikes once, at
 * {@code t = tMin + (1 - v) (tMax - tMin)} seconds, so a bright value (1) fires first, at
 * {@code tMin}, and a value just above the threshold fires last, near
 * {@code tMin + (1 - threshold)(tMax - tMin)}. Values {@code <= threshold} do not spike.
 */
public final class LinearLatencyEncoder implements EventEncoder {

    private final double tMin;
    private final double tMax;
    private final double threshold;

    /**
     * @param tMin      latency in seconds of a value 1, {@code >= 0}
     * @param tMax      latency in seconds of a value 0, {@code > tMin}
     * @param threshold values {@code <= threshold} send no spike; in {@code [0, 1)}
     */
    public LinearLatencyEncoder(double tMin, double tMax, double threshold) {
        this.tMin = EncoderChecks.nonNegative("tMin (s)", tMin);
        if (!Double.isFinite(tMax) || !(tMax > tMin)) {
            throw new IllegalArgumentException("tMax must be finite and > tMin = " + tMin + " s, got " + tMax);
        }
        this.tMax = tMax;
        if (!(threshold >= 0 && threshold < 1)) throw new IllegalArgumentException("threshold must be in [0, 1), got " + threshold);
        this.threshold = threshold;
    }

    /**
     * Latency in seconds of value {@code v}: {@code tMin + (1 - v)(tMax - tMin)} when
     * {@code v > threshold}, {@link Double#POSITIVE_INFINITY} (no spike) otherwise.
     */
    public double latency(double v) {
        return v > threshold ? tMin + (1 - v) * (tMax - tMin) : Double.POSITIVE_INFINITY;
    }

    /** One spike per channel above threshold; values must be in [0, 1]. */
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
