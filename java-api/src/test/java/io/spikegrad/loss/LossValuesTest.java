package io.spikegrad.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Values small enough to check by hand. Tensors are time-major: index (t*B + b)*N + n. */
class LossValuesTest {

    static final double EPS = 1e-6;

    static double eval(Loss l, float[] out, int steps, int batch, int classes, int[] labels, float[] grad, int[] pred) {
        return l.evaluate(FloatBuffer.wrap(out), steps, batch, classes, labels, FloatBuffer.wrap(grad), pred);
    }

    static double apply(Regularizer r, float[] s, float[] u, float[] theta, int steps, int batch, int n, float[] gS, float[] gU) {
        return r.apply(FloatBuffer.wrap(s), u == null ? null : FloatBuffer.wrap(u), theta, steps, batch, n,
                FloatBuffer.wrap(gS), gU == null ? null : FloatBuffer.wrap(gU));
    }

    @Test
    void spikeCountCrossEntropyOfCountsTwoAndZero() {
        float[] out = {1, 0, 1, 0}; // T = 2, C = 2: counts [2, 0]
        float[] grad = new float[4];
        int[] pred = new int[1];
        double loss = eval(new SpikeCountCrossEntropy(), out, 2, 1, 2, new int[] {0}, grad, pred);
        assertEquals(Math.log(1 + Math.exp(-2)), loss, EPS);
        double g = Math.exp(-2) / (1 + Math.exp(-2)); // p1 = 1 - p0
        assertArrayEquals(new float[] {(float) -g, (float) g, (float) -g, (float) g}, grad, 1e-7f);
        assertEquals(0, pred[0]);
    }

    @Test
    void maxMembraneCrossEntropyTakesTheMaximumOverTime() {
        // T = 3, C = 2: class 0 peaks at 3 (t = 1), class 1 at 2 (t = 0); label 1
        float[] out = {0, 2, 3, 1, 1, 0};
        float[] grad = new float[6];
        int[] pred = new int[1];
        double loss = eval(new MaxMembraneCrossEntropy(), out, 3, 1, 2, new int[] {1}, grad, pred);
        assertEquals(Math.log(1 + Math.E), loss, EPS);
        float p = (float) (Math.E / (1 + Math.E));
        assertArrayEquals(new float[] {0, -p, p, 0, 0, 0}, grad, 1e-7f);
        assertEquals(0, pred[0]);
    }

    @Test
    void sumMembraneCrossEntropyAveragesOverTime() {
        float[] out = {1, 0, 3, 0}; // T = 2, C = 2: z = [2, 0]
        float[] grad = new float[4];
        double loss = eval(new SumMembraneCrossEntropy(), out, 2, 1, 2, new int[] {0}, grad, null);
        assertEquals(Math.log(1 + Math.exp(-2)), loss, EPS);
        float g = (float) (Math.exp(-2) / (1 + Math.exp(-2)) / 2);
        assertArrayEquals(new float[] {-g, g, -g, g}, grad, 1e-7f);
    }

    @Test
    void spikeCountPenaltyOfThreeSpikes() {
        float[] s = {1, 0, 1, 1, 0, 0}; // T = 3, B = 1, N = 2
        float[] g = {0, 1, 2, 3, 4, 5};
        assertEquals(1.5, apply(new SpikeCountPenalty(0.5), s, null, new float[2], 3, 1, 2, g, null), EPS);
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, g, "adds lambda/B to every entry, spiking or not");
        // the same spikes twice in a batch of 2: averaged over the batch, so the same penalty
        float[] s2 = {1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0};
        float[] g2 = new float[12];
        assertEquals(1.5, apply(new SpikeCountPenalty(0.5), s2, null, new float[2], 3, 2, 2, g2, null), EPS);
        assertEquals(0.25f, g2[7]);
    }

    /** T = 4, B = 1, N = 2: neuron 0 fires 3 times (rate 0.75), neuron 1 once (0.25). */
    static final float[] RATES = {1, 0, 1, 1, 0, 0, 1, 0};

    @Test
    void firingRatePenaltiesOnRatesThreeQuartersAndOneQuarter() {
        float[] g = new float[8];
        assertEquals(0.5, apply(FiringRatePenalty.toTarget(2, 0.25), RATES, null, new float[2], 4, 1, 2, g, null), EPS);
        // dR/dS = lambda * 2 (r - target) / T = 2 * 2 * 0.5 / 4 for neuron 0, 0 for neuron 1
        assertArrayEquals(new float[] {0.5f, 0, 0.5f, 0, 0.5f, 0, 0.5f, 0}, g);

        g = new float[8];
        assertEquals(0.125, apply(FiringRatePenalty.above(2, 0.5), RATES, null, new float[2], 4, 1, 2, g, null), EPS);
        assertArrayEquals(new float[] {0.25f, 0, 0.25f, 0, 0.25f, 0, 0.25f, 0}, g);

        g = new float[8];
        assertEquals(0.125, apply(FiringRatePenalty.below(2, 0.5), RATES, null, new float[2], 4, 1, 2, g, null), EPS);
        assertArrayEquals(new float[] {0, -0.25f, 0, -0.25f, 0, -0.25f, 0, -0.25f}, g);

        g = new float[8];
        assertEquals(0.0, apply(FiringRatePenalty.within(2, 0.25, 0.75), RATES, null, new float[2], 4, 1, 2, g, null), EPS);
        assertArrayEquals(new float[8], g, "rates on the bounds pay nothing");
        assertEquals(0.25, apply(FiringRatePenalty.within(2, 0.5, 0.5), RATES, null, new float[2], 4, 1, 2, g, null), EPS);

        g = new float[8];
        // mean rate 0.5, bound 0.25: R = 2 * 0.25^2; dR/dS = 2 * 2 * 0.25 / (N T) = 0.125
        assertEquals(0.125, apply(FiringRatePenalty.populationAbove(2, 0.25), RATES, null, new float[2], 4, 1, 2, g, null), EPS);
        float q = 0.125f;
        assertArrayEquals(new float[] {q, q, q, q, q, q, q, q}, g);
    }

    @Test
    void firingRateIsPerSampleAndAveragedOverTheBatch() {
        // B = 2: sample 0 as RATES, sample 1 silent; layout (t*B + b)*N + n
        float[] s = {1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
        float[] g = new float[16];
        // lambda = 2, target 0.25: sample 0 pays 0.5^2 + 0, sample 1 pays 2 * 0.25^2; (2/B) * 0.375
        assertEquals(0.375, apply(FiringRatePenalty.toTarget(2, 0.25), s, null, new float[2], 4, 2, 2, g, null), EPS);
        // (lambda/B) 2 (r - target) / T: 0.25 for sample 0 neuron 0, 0 for neuron 1, -0.125 for sample 1
        float a = 0.25f, c = -0.125f;
        assertArrayEquals(new float[] {a, 0, c, c, a, 0, c, c, a, 0, c, c, a, 0, c, c}, g);
    }

    @Test
    void hertzConvertToSpikesPerStep() {
        assertEquals(0.01, FiringRatePenalty.perStep(10, 1e-3), 1e-15);
    }

    @Test
    void membranePenaltyOnBothSidesOfTheBand() {
        // T = 3, B = 1, N = 1, theta = 1, band [low, theta + 0.5] = [-1, 1.5]
        float[] u = {2.0f, 0.0f, -1.5f};
        float[] gU = {1, 1, 1}, gS = {7, 7, 7};
        double r = apply(MembranePenalty.band(1, 0.5, -1), new float[3], u, new float[] {1}, 3, 1, 1, gS, gU);
        assertEquals(0.25 + 0.25, r, EPS);
        assertArrayEquals(new float[] {2, 1, 0}, gU, "adds 2 lambda (0.5, 0, -0.5)");
        assertArrayEquals(new float[] {7, 7, 7}, gS, "spike gradient untouched");
        // the upper edge follows each neuron's threshold: U = 2 is above 1 + 0.5 but inside 2 + 0.5
        float[] gU2 = new float[2];
        assertEquals(0.25, apply(MembranePenalty.band(1, 0.5, -1), new float[2], new float[] {2, 2}, new float[] {1, 2}, 1, 1, 2,
                new float[2], gU2), EPS);
        assertArrayEquals(new float[] {1, 0}, gU2);
        assertEquals(0.25, apply(MembranePenalty.above(1, 0.5), new float[3], u, new float[] {1}, 3, 1, 1, gS, new float[3]), EPS);
        assertEquals(0.25, apply(MembranePenalty.below(1, -1), new float[3], u, new float[] {1}, 3, 1, 1, gS, new float[3]), EPS);
        MembranePenalty d = MembranePenalty.of(1);
        assertEquals(MembranePenalty.DEFAULT_HIGH_ABOVE_THETA, d.highAboveTheta());
        assertEquals(MembranePenalty.DEFAULT_LOW, d.low());
    }

    @Test
    void waveformMseAgainstTheLabelledWaveform() {
        // T = 2, C = 1, B = 2; waveform 0 = [0, 0], waveform 1 = [1, 1]
        WaveformMse mse = new WaveformMse(new float[][] {{0, 0}, {1, 1}});
        float[] out = {0.2f, 1, 0.4f, 1}; // sample 0: [0.2, 0.4] labelled 1; sample 1: [1, 1] labelled 0
        float[] grad = new float[4];
        int[] pred = new int[2];
        double loss = eval(mse, out, 2, 2, 1, new int[] {1, 0}, grad, pred);
        assertEquals((0.64 + 0.36 + 1 + 1) / (2 * 2), loss, EPS);
        assertArrayEquals(new float[] {-0.4f, 0.5f, -0.3f, 0.5f}, grad, 1e-7f);
        assertArrayEquals(new int[] {0, 1}, pred, "nearest waveform, whatever the label");
    }

    @Test
    void lowPassIsTheLeakyIntegratorFromRest() {
        double tau = 0.02, dt = 0.01, a = Math.exp(-dt / tau);
        int steps = 6;
        float[] x = new float[steps * 2];
        x[0] = 1; // channel 0: impulse at t = 0
        for (int t = 0; t < steps; t++) x[t * 2 + 1] = 2; // channel 1: step of height 2
        float[] y = WaveformMse.lowPass(x, 2, tau, dt);
        for (int t = 0; t < steps; t++) {
            assertEquals((1 - a) * Math.pow(a, t), y[t * 2], 1e-7, "impulse response at t = " + t);
            assertEquals(2 * (1 - Math.pow(a, t + 1)), y[t * 2 + 1], 1e-6, "step response at t = " + t);
        }
        WaveformMse l = WaveformMse.lowPassOf(new float[][] {x, new float[steps * 2]}, 2, tau, dt);
        assertArrayEquals(y, l.target(0));
        assertArrayEquals(new float[steps * 2], l.target(1));
        assertEquals(2, l.count());
    }
}
