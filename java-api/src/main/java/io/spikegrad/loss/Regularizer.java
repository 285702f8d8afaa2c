package io.spikegrad.loss;

import java.nio.FloatBuffer;

/**
 * A penalty on a spiking layer's activity, added to the task loss (Zenke &amp; Vogels 2021;
 * Cramer et al. 2022). Implementations ADD their gradient into {@code gradSpikes} and, when
 * {@link #needsMembrane()}, into {@code gradU} (both [T][B][N]); they never overwrite.
 */
public interface Regularizer {

    /** Whether {@link #apply} reads the membrane U (before reset) and writes dR/dU. */
    boolean needsMembrane();

    /**
     * @param spikes     [T][B][N] S[t]
     * @param u          [T][B][N] U[t], or null when {@link #needsMembrane()} is false
     * @param theta      [N] thresholds
     * @param gradSpikes [T][B][N] accumulate dR/dS here
     * @param gradU      [T][B][N] accumulate dR/dU here (null when not needed)
     * @return the penalty R, averaged over the batch
     */
    double apply(FloatBuffer spikes, FloatBuffer u, float[] theta, int steps, int batch, int neurons,
                 FloatBuffer gradSpikes, FloatBuffer gradU);

    String name();
}
