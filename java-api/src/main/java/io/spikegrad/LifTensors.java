package io.spikegrad;

/**
 * The tensors of one LIF layer's forward pass ({@code sg_lif_forward} in lif.h).
 * T = steps, B = batch, N = neurons of the {@link LifKernelConfig}.
 *
 * @param x      in [T][B][N] input current W x[t] (+ b)
 * @param wRec   in [N][N] recurrent weights (row j from neuron j), or null for feed-forward
 * @param alpha  in [N] exp(-dt/tau_syn)
 * @param beta   in [N] exp(-dt/tau_mem)
 * @param theta  in [N] thresholds
 * @param i0     in [B][N] initial synaptic current I[-1]
 * @param v0     in [B][N] initial membrane V[-1]
 * @param spikes out [T][B][N] S[t]
 * @param iSave  out [T][B][N] I[t], kept for the backward pass
 * @param u      out [T][B][N] membrane before reset, or null when not needed
 * @param vLast  out [B][N] V[T-1] after reset, or null when not needed
 */
public record LifTensors(Tensor x, Tensor wRec, Tensor alpha, Tensor beta, Tensor theta,
                         Tensor i0, Tensor v0, Tensor spikes, Tensor iSave, Tensor u, Tensor vLast) {
}
