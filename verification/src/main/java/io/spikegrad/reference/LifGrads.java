package io.spikegrad.reference;

/**
 * Gradients of a scalar loss L from the LIF backward. T = steps, B = batch, N = neurons.
 *
 * @param gradX     [T][B][N] dL/dX[t] (= gI[t])
 * @param gradI0    [B][N] dL/dI[-1]
 * @param gradV0    [B][N] dL/dV[-1]
 * @param gradAlpha [N] dL/dalpha, summed over the batch
 * @param gradBeta  [N] dL/dbeta, summed over the batch
 * @param gradTheta [N] dL/dtheta, summed over the batch
 * @param gradWRec  [N][N] dL/dwRec[j][n] (row j from neuron j), or null for a feed-forward layer
 */
public record LifGrads(double[] gradX, double[] gradI0, double[] gradV0, double[] gradAlpha,
                       double[] gradBeta, double[] gradTheta, double[] gradWRec) {
}
