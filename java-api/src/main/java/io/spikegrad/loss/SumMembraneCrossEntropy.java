package io.spikegrad.loss;

import java.nio.FloatBuffer;

/**
 * Cross-entropy on the time-averaged membrane of a leaky-integrator readout:
 * z_c = (1/T) sum_t U[t][c] (the "summed readout" of Zenke &amp; Vogels 2021, divided by T
 * so the logit scale does not grow with the number of steps).
 */
public final class SumMembraneCrossEntropy implements Loss {

    @Override
    public Signal signal() { return Signal.MEMBRANE; }

    @Override
    public String name() { return "sum-membrane-ce"; }

    @Override
    public double evaluate(FloatBuffer out, int steps, int batch, int classes, int[] labels, FloatBuffer grad, int[] predictions) {
        return CrossEntropy.summed(out, steps, batch, classes, true, labels, grad, batch * (double) steps, predictions);
    }
}
