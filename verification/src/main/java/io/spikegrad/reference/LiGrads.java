package io.spikegrad.reference;

/**
 * Gradients of a scalar loss L from the leaky-integrator readout backward.
 *
 * @param gradX     [T][B][N] dL/dX[t]
 * @param gradI0    [B][N] dL/dI[-1]
 * @param gradU0    [B][N] dL/dU[-1]
 * @param gradAlpha [N] summed over the batch
 * @param gradBeta  [N] summed over the batch
 */
public record LiGrads(double[] gradX, double[] gradI0, double[] gradU0, double[] gradAlpha, double[] gradBeta) {
}
