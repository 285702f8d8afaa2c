package io.spikegrad;

/**
 * The tensors of a leaky-integrator readout's backward pass ({@code sg_li_backward}).
 *
 * @param gradU     in [T][B][N] dL/dU[t]
 * @param gradX     out [T][B][N]
 * @param gradI0    out [B][N]
 * @param gradU0    out [B][N]
 * @param gradAlpha out [N] summed over the batch
 * @param gradBeta  out [N] summed over the batch
 */
public record LiGradTensors(Tensor gradU, Tensor gradX, Tensor gradI0, Tensor gradU0, Tensor gradAlpha, Tensor gradBeta) {
}
