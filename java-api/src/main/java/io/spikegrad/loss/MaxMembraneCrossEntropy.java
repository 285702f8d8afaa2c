package io.spikegrad.loss;

import java.nio.FloatBuffer;

/**
 * Cross-entropy on the maximum over time of a leaky-integrator readout's membrane:
 * z_c = max_t U[t][c] (Cramer et al. 2022; EventProp's max-voltage loss). The gradient
 * flows to the first time step attaining the maximum.
 */
public final class MaxMembraneCrossEntropy implements Loss {

    @Override
    public Signal signal() { return Signal.MEMBRANE; }

    @Override
    public String name() { return "max-membrane-ce"; }

    @Override
    public double evaluate(FloatBuffer out, int steps, int batch, int classes, int[] labels, FloatBuffer grad, int[] predictions) {
        double[] z = new double[classes], dz = new double[classes];
        int[] at = new int[classes];
        double total = 0;
        for (int k = 0; k < steps * batch * classes; k++) grad.put(k, 0f);
        for (int b = 0; b < batch; b++) {
            java.util.Arrays.fill(z, Double.NEGATIVE_INFINITY);
            for (int t = 0; t < steps; t++) {
                int row = (t * batch + b) * classes;
                for (int c = 0; c < classes; c++) {
                    float v = out.get(row + c);
                    if (v > z[c]) {
                        z[c] = v;
                        at[c] = t;
                    }
                }
            }
            total += CrossEntropy.lossAndGrad(z, labels[b], dz);
            if (predictions != null) predictions[b] = CrossEntropy.argmax(z);
            for (int c = 0; c < classes; c++) grad.put((at[c] * batch + b) * classes + c, (float) (dz[c] / batch));
        }
        return total / batch;
    }
}
