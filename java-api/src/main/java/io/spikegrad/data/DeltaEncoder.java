package io.spikegrad.data;

import java.util.Arrays;

/**
 * Delta (change) coding of a sequence: each input channel {@code c} drives an ON channel {@code c}
 * and an OFF channel {@code C + c} (so the output has {@code 2C} channels). The reference value of
 * a channel starts at the sequence's first value; at each later step {@code k}, if
 * {@code x[k][c] - ref > threshold} the ON channel spikes, if {@code x[k][c] - ref < -threshold}
 * the OFF channel spikes, and after a spike the reference becomes {@code x[k][c]}. So a channel
 * spikes when its value has changed by more than the threshold since its last spike (or since the
 * start). Step 0 never spikes.
 *
 * <p>Sequences are time-major {@code [steps][C]} float arrays of any finite values (units are the
 * caller's; the threshold is in the same units). Event times are the step starts {@code k * dt}
 * seconds.
 */
public final class DeltaEncoder {

    private final double threshold;

    /** @param threshold change needed for a spike, {@code > 0}, in the units of the sequence */
    public DeltaEncoder(double threshold) {
        this.threshold = EncoderChecks.positive("threshold", threshold);
    }

    /** The change threshold. */
    public double threshold() {
        return threshold;
    }

    /** Spikes as a fresh {@code [steps][2C]} array of 0/1: ON in channels {@code [0, C)}, OFF in {@code [C, 2C)}. */
    public float[] toDense(float[] sequence, int steps, int channels) {
        check(sequence, steps, channels);
        float[] out = new float[Math.multiplyExact(steps, 2 * channels)];
        run(sequence, steps, channels, (k, ch) -> out[k * 2 * channels + ch] = 1f);
        return out;
    }

    /** Spikes as events over {@code 2C} channels at times {@code k * dt} seconds. */
    public SpikeEvents toEvents(float[] sequence, int steps, int channels, double dt) {
        check(sequence, steps, channels);
        EncoderChecks.positive("dt (s)", dt);
        double[][] times = {new double[16]};
        int[][] ids = {new int[16]};
        int[] n = {0};
        run(sequence, steps, channels, (k, ch) -> {
            if (n[0] == times[0].length) {
                times[0] = Arrays.copyOf(times[0], 2 * n[0]);
                ids[0] = Arrays.copyOf(ids[0], 2 * n[0]);
            }
            times[0][n[0]] = k * dt;
            ids[0][n[0]++] = ch;
        });
        return SpikeEvents.adopt(2 * channels, Arrays.copyOf(times[0], n[0]), Arrays.copyOf(ids[0], n[0]));
    }

    private interface Sink {
        void spike(int step, int channel);
    }

    private void run(float[] x, int steps, int channels, Sink sink) {
        double[] ref = new double[channels];
        for (int c = 0; c < channels; c++) ref[c] = x[c];
        for (int k = 1; k < steps; k++) {
            for (int c = 0; c < channels; c++) {
                double v = x[k * channels + c];
                double d = v - ref[c];
                if (d > threshold) {
                    sink.spike(k, c);
                    ref[c] = v;
                } else if (d < -threshold) {
                    sink.spike(k, channels + c);
                    ref[c] = v;
                }
            }
        }
    }

    private static void check(float[] sequence, int steps, int channels) {
        if (sequence == null) throw new NullPointerException("sequence must not be null");
        EncoderChecks.positive("steps", steps);
        EncoderChecks.positive("channels", channels);
        if (sequence.length != (long) steps * channels) {
            throw new IllegalArgumentException("sequence must have shape [steps][channels] = " + (long) steps * channels
                    + " elements, got " + sequence.length);
        }
        for (int i = 0; i < sequence.length; i++) {
            if (!Float.isFinite(sequence[i])) {
                throw new IllegalArgumentException("sequence[" + i + "] (step " + i / channels + ", channel " + i % channels
                        + ") must be finite, got " + sequence[i]);
            }
        }
    }
}
