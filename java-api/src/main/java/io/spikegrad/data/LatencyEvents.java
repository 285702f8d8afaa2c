package io.spikegrad.data;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/** Builds single-spike-per-channel events from a latency function (infinite latency: no spike). */
final class LatencyEvents {
    private LatencyEvents() {}

    static SpikeEvents collect(float[] values, DoubleUnaryOperator latency) {
        double[] times = new double[values.length];
        int[] ids = new int[values.length];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            double t = latency.applyAsDouble(values[i]);
            if (t != Double.POSITIVE_INFINITY) {
                times[n] = t;
                ids[n++] = i;
            }
        }
        return SpikeEvents.adopt(values.length, Arrays.copyOf(times, n), Arrays.copyOf(ids, n));
    }
}
