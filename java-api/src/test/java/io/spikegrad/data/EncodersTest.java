package io.spikegrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EncodersTest {

    // ---- rate ----

    @Test
    void rateCountsMatchTheirExpectationWithinFiveSigma() {
        double maxRate = 100, dt = 1e-3;
        int steps = 10_000;
        RateEncoder enc = new RateEncoder(maxRate, dt, steps);
        float[] values = {0f, 0.1f, 0.25f, 0.5f, 1f};
        float[] dense = enc.toDense(values, new SplittableRandom(3));
        assertEquals(steps * values.length, dense.length);
        for (int c = 0; c < values.length; c++) {
            double p = values[c] * maxRate * dt;
            assertEquals(p, enc.probability(values[c]), 1e-12);
            double count = 0;
            for (int k = 0; k < steps; k++) {
                float s = dense[k * values.length + c];
                assertTrue(s == 0f || s == 1f);
                count += s;
            }
            double mean = steps * p, sd = Math.sqrt(steps * p * (1 - p));
            assertTrue(Math.abs(count - mean) <= 5 * sd, "channel " + c + ": " + count + " spikes, expected " + mean + " +- " + sd);
        }
        double zero = 0;
        for (int k = 0; k < steps; k++) zero += dense[k * values.length];
        assertEquals(0, zero, "a value of 0 never spikes");
    }

    @Test
    void rateIsDeterministicAndItsFormsAgree() {
        RateEncoder enc = new RateEncoder(200, 1e-3, 50);
        float[] v = {0.3f, 0.9f, 0.0f, 1f};
        float[] a = enc.toDense(v, new SplittableRandom(11));
        assertArrayEquals(a, enc.toDense(v, new SplittableRandom(11)));
        assertTrue(!Arrays.equals(a, enc.toDense(v, new SplittableRandom(12))));
        SpikeEvents e = enc.toEvents(v, new SplittableRandom(11));
        assertEquals(4, e.channels());
        assertArrayEquals(a, Binning.toDense(e, 4, 1e-3, 50), "events at k*dt bin back onto the dense grid");

        // batch layout: sample 1 of 3 in a [T][3][4] buffer, other entries untouched
        float[] batch = new float[50 * 3 * 4];
        Arrays.fill(batch, 7f);
        enc.toDense(v, new SplittableRandom(11), batch, 4, 12);
        for (int k = 0; k < 50; k++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 4; c++) {
                    float got = batch[(k * 3 + b) * 4 + c];
                    assertEquals(b == 1 ? a[k * 4 + c] : 7f, got);
                }
            }
        }
    }

    @Test
    void rateRefusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new RateEncoder(2000, 1e-3, 10), "p > 1");
        assertThrows(IllegalArgumentException.class, () -> new RateEncoder(-1, 1e-3, 10));
        assertThrows(IllegalArgumentException.class, () -> new RateEncoder(100, 0, 10));
        RateEncoder enc = new RateEncoder(100, 1e-3, 10);
        var e = assertThrows(IllegalArgumentException.class, () -> enc.toDense(new float[] {0.5f, 1.5f}, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("values[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> enc.toDense(new float[] {Float.NaN}, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> enc.toDense(new float[] {0.5f}, new SplittableRandom(1), new float[9], 0, 1));
    }

    // ---- linear latency ----

    @Test
    void linearLatencyFollowsItsFormulaAndBrightFiresFirst() {
        LinearLatencyEncoder enc = new LinearLatencyEncoder(0.002, 0.050, 0.1);
        assertEquals(0.002, enc.latency(1.0), 1e-15);
        assertEquals(0.002 + 0.25 * 0.048, enc.latency(0.75), 1e-15);
        assertEquals(Double.POSITIVE_INFINITY, enc.latency(0.1), "at the threshold: no spike");
        assertEquals(Double.POSITIVE_INFINITY, enc.latency(0.0));
        double previous = Double.POSITIVE_INFINITY;
        for (int i = 11; i <= 100; i++) {
            double t = enc.latency(i / 100.0);
            assertTrue(t < previous, "strictly decreasing in the value");
            assertTrue(t >= 0.002 && t <= 0.050);
            previous = t;
        }
        SpikeEvents e = enc.encode(new float[] {0.05f, 1f, 0.5f});
        assertEquals(3, e.channels());
        assertEquals(2, e.size(), "value below threshold sends nothing");
        assertEquals(1, e.channel(0), "the brightest channel first");
        assertEquals(0.002, e.time(0), 1e-9);
        assertEquals(2, e.channel(1));
        float[] dense = enc.toDense(new float[] {0.05f, 1f, 0.5f}, 1e-3, 60);
        assertEquals(1f, dense[2 * 3 + 1]);
        assertEquals(1f, dense[26 * 3 + 2]); // 0.002 + 0.5 * 0.048 = 0.026 s
        float sum = 0;
        for (float f : dense) sum += f;
        assertEquals(2f, sum);
        assertThrows(IllegalArgumentException.class, () -> new LinearLatencyEncoder(0.01, 0.01, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearLatencyEncoder(0, 0.01, 1));
    }

    // ---- log latency ----

    @Test
    void logLatencyIsTheRcChargingTimeClippedToTheWindow() {
        double tau = 0.005, theta = 0.2, window = 0.03;
        LogLatencyEncoder enc = new LogLatencyEncoder(tau, theta, window);
        assertEquals(tau * Math.log(1 / (1 - theta)), enc.latency(1.0), 1e-15);
        assertEquals(tau * Math.log(0.5 / 0.3), enc.latency(0.5), 1e-15);
        assertEquals(Double.POSITIVE_INFINITY, enc.latency(0.2));
        assertEquals(Double.POSITIVE_INFINITY, enc.latency(0.0));
        assertEquals(window, enc.latency(0.2000001), "diverging latency is clipped to the window");
        double previous = Double.POSITIVE_INFINITY;
        for (int i = 21; i <= 100; i++) {
            double t = enc.latency(i / 100.0);
            assertTrue(t <= previous && t <= window && t > 0, "non-increasing in the value, inside the window");
            previous = t;
        }
        // membrane check: V(t) = v (1 - exp(-t/tau)) reaches theta at the latency
        double v = 0.7, t = enc.latency(v);
        assertEquals(theta, v * (1 - Math.exp(-t / tau)), 1e-12);
        SpikeEvents e = enc.encode(new float[] {0.1f, 0.9f, 0.3f});
        assertEquals(2, e.size());
        assertEquals(1, e.channel(0));
        assertThrows(IllegalArgumentException.class, () -> new LogLatencyEncoder(0.005, 0, 0.03));
        assertThrows(IllegalArgumentException.class, () -> new LogLatencyEncoder(0, 0.2, 0.03));
    }

    // ---- delta ----

    @Test
    void deltaOnARampSpikesEveryThresholdCrossing() {
        int steps = 11, channels = 2;
        float[] seq = new float[steps * channels];
        for (int k = 0; k < steps; k++) {
            seq[k * channels] = 0.1f * k;          // rising ramp 0 .. 1
            seq[k * channels + 1] = 1f - 0.1f * k; // falling ramp 1 .. 0
        }
        DeltaEncoder enc = new DeltaEncoder(0.25);
        float[] out = enc.toDense(seq, steps, channels);
        assertEquals(steps * 4, out.length);
        for (int k = 0; k < steps; k++) {
            boolean expected = k == 3 || k == 6 || k == 9;
            assertEquals(expected ? 1f : 0f, out[k * 4 + 0], "ON of the rising ramp, step " + k);
            assertEquals(0f, out[k * 4 + 2], "no OFF on the rising ramp");
            assertEquals(0f, out[k * 4 + 1], "no ON on the falling ramp");
            assertEquals(expected ? 1f : 0f, out[k * 4 + 3], "OFF of the falling ramp, step " + k);
        }
        SpikeEvents e = enc.toEvents(seq, steps, channels, 1e-3);
        assertEquals(4, e.channels());
        assertEquals(6, e.size());
        assertEquals(0.003, e.time(0), 1e-15);
        assertArrayEquals(out, Binning.toDense(e, 4, 1e-3, steps));
    }

    @Test
    void deltaIgnoresSmallChangesAndConstantInput() {
        float[] seq = {0.5f, 0.6f, 0.5f, 0.65f, 0.5f, 0.5f};
        float[] out = new DeltaEncoder(0.2).toDense(seq, 6, 1);
        for (float f : out) assertEquals(0f, f);
        // a slow drift accumulates: the reference only moves at spikes
        float[] drift = {0f, 0.15f, 0.3f, 0.45f};
        float[] d = new DeltaEncoder(0.2).toDense(drift, 4, 1);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 0}, d);
        assertThrows(IllegalArgumentException.class, () -> new DeltaEncoder(0.2).toDense(new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new DeltaEncoder(0));
        assertThrows(IllegalArgumentException.class, () -> new DeltaEncoder(0.1).toDense(new float[] {0, Float.NaN}, 2, 1));
    }
}
