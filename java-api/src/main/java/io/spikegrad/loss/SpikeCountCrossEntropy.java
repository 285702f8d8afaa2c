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
        return CrossEntropy.summed(out, steps, batch, classes, false, labels, grad, batch, predictions);
    }
}
