package io.spikegrad;

/**
 * The tensors of a leaky-integrator readout's forward pass ({@code sg_li_forward}).
 *
 * @param x     in [T][B][N] input current
 * @param alpha in [N] exp(-dt/tau_syn)
 * @param beta  in [N] exp(-dt/tau_mem)
 * @param i0    in [B][N] I[-1]
 * @param u0    in [B][N] U[-1]
 * @param u     out [T][B][N] readout membrane U[t]
 * @param iSave out [T][B][N] I[t]
 */
public record LiTensors(Tensor x, Tensor alpha, Tensor beta, Tensor i0, Tensor u0, Tensor u, Tensor iSave) {
}
