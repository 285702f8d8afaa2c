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
        double[] z = new double[classes], dz = new double[classes];
        double total = 0;
        for (int b = 0; b < batch; b++) {
            java.util.Arrays.fill(z, 0);
            for (int t = 0; t < steps; t++) {
                int row = (t * batch + b) * classes;
                for (int c = 0; c < classes; c++) z[c] += out.get(row + c);
            }
            for (int c = 0; c < classes; c++) z[c] /= steps;
            total += CrossEntropy.lossAndGrad(z, labels[b], dz);
            if (predictions != null) predictions[b] = CrossEntropy.argmax(z);
            for (int t = 0; t < steps; t++) {
                int row = (t * batch + b) * classes;
                for (int c = 0; c < classes; c++) grad.put(row + c, (float) (dz[c] / (batch * (double) steps)));
            }
        }
        return total / batch;
    }
}
