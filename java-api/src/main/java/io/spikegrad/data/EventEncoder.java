package io.spikegrad.data;

/**
 * Turns a dense feature vector (values in [0, 1], one per input channel) into spike events, in a
 * deterministic way. Implemented by {@link LinearLatencyEncoder} and {@link LogLatencyEncoder};
 * stochastic encoders ({@link RateEncoder}) take a random generator instead.
 */
@FunctionalInterface
public interface EventEncoder {

    /**
     * Spike events over {@code values.length} channels; channel {@code i} encodes {@code values[i]}.
     * Times in seconds.
     */
    SpikeEvents encode(float[] values);
}
