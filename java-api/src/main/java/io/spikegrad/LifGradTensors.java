package io.spikegrad;

/**
 * The tensors of one LIF layer's backward pass ({@code sg_lif_backward} in lif.h).
 * Outputs are overwritten. The recurrent weight gradient is a GEMM the caller does
 * (see lif.h).
 *
 * @param gradSpikes in [T][B][N] dL/dS[t]
 * @param gradU      in [T][B][N] dL/dU[t] from a membrane loss, or null
 * @param gradX      out [T][B][N] dL/dX[t]
 * @param gradI0     out [B][N] dL/dI[-1]
 * @param gradV0     out [B][N] dL/dV[-1]
 * @param gradAlpha  out [N] summed over the batch, or null (with gradBeta and gradTheta) when
 *                   the neuron parameters' gradients are not wanted: the cpu kernel then skips
 *                   their sums; every other output keeps its bits
 * @param gradBeta   out [N] summed over the batch, or null (see gradAlpha)
 * @param gradTheta  out [N] summed over the batch, or null (see gradAlpha)
 */
public record LifGradTensors(Tensor gradSpikes, Tensor gradU, Tensor gradX, Tensor gradI0, Tensor gradV0,
                             Tensor gradAlpha, Tensor gradBeta, Tensor gradTheta) {
}
