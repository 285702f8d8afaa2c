package io.spikegrad.eventprop;

/**
 * The derivatives of one sample's loss with respect to what the forward pass produced; an
 * {@link EventLoss} fills them, {@link EventPropBackward} turns them into adjoint sources
 * (paper eq. (1): {@code L = l_p(t^post) + int l_V(V, t) dt}).
 *
 * <ul>
 *   <li>{@code dSpikeTime[k]} = {@code dL/dt_k} for spike {@code k} of the trace (the
 *       {@code dl_p/dt_k} of table 2's jump);</li>
 *   <li>{@code dMaxV[c]} = {@code dL/dz_c} for {@code z_c = max_t V_c(t)} of readout neuron c: an
 *       {@code l_V} that is a delta at the argmax time, i.e. a jump of {@code lambda_V} there;</li>
 *   <li>{@code dMeanV[c]} = {@code dL/dm_c} for {@code m_c = (1/T) int_0^T V_c dt}: the constant
 *       {@code dl_V/dV_c = dMeanV[c]/T} of eq. (10a).</li>
 * </ul>
 */
public final class LossGradient {
    final double[] dSpikeTime;
    final double[] dMaxV;
    final double[] dMeanV;

    /** Zeros for a trace with {@code spikes} spikes and {@code readouts} LI readout neurons. */
    public LossGradient(int spikes, int readouts) {
        this.dSpikeTime = new double[spikes];
        this.dMaxV = new double[readouts];
        this.dMeanV = new double[readouts];
    }

    /** Live {@code dL/dt_k}, one per spike of the trace. */
    public double[] dSpikeTime() { return dSpikeTime; }

    /** Live {@code dL/d(max_t V_c)}, one per readout neuron. */
    public double[] dMaxV() { return dMaxV; }

    /** Live {@code dL/d((1/T) int V_c dt)}, one per readout neuron. */
    public double[] dMeanV() { return dMeanV; }
}
