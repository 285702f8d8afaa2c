package io.spikegrad.loss;

import java.nio.FloatBuffer;

/**
 * A classification or regression loss on the readout layer's activity over time.
 * Implementations read {@code out} ([T][B][C], time-major), overwrite {@code grad} with
 * dL/dout of the same shape, and return the loss averaged over the batch.
 */
public interface Loss {

    /** What the loss reads: output spikes of a LIF readout, or the membrane of an LI readout. */
    enum Signal { SPIKES, MEMBRANE }

    Signal signal();

    /**
     * @param out         [T][B][C] readout activity
     * @param labels      [B] class per sample (ignored by losses without labels)
     * @param grad        out [T][B][C] dL/dout, overwritten
     * @param predictions out [B] predicted class per sample, or null
     * @return the loss, averaged over the batch
     */
    double evaluate(FloatBuffer out, int steps, int batch, int classes, int[] labels, FloatBuffer grad, int[] predictions);

    /** A short name for summaries, e.g. "spike-count-ce". */
    String name();
}
