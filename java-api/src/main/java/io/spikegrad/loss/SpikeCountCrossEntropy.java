package io.spikegrad.loss;

import java.nio.FloatBuffer;

/**
 * Cross-entropy on output spike counts: logits z_c = sum_t S[t][c] (Neftci et al. 2019,
 * Cramer et al. 2022). dL/dS[t][c] = (softmax(z) - onehot)_c / B for every t.
 */
public final class SpikeCountCrossEntropy implements Loss {

    @Override
    public Signal signal() { return Signal.SPIKES; }

    @Override
    public String name() { return "spike-count-ce"; }

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
            total += CrossEntropy.lossAndGrad(z, labels[b], dz);
            if (predictions != null) predictions[b] = CrossEntropy.argmax(z);
            for (int t = 0; t < steps; t++) {
                int row = (t * batch + b) * classes;
                for (int c = 0; c < classes; c++) grad.put(row + c, (float) (dz[c] / batch));
            }
        }
        return total / batch;
    }
}
