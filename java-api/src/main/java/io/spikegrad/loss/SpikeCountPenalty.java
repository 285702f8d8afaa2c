package io.spikegrad.loss;

import java.nio.FloatBuffer;

/**
 * Metabolic cost: a penalty on the total number of spikes of a layer,
 * <pre>
 *   R = lambda * (1/B) * sum_{t,b,n} S[t][b][n],        dR/dS[t][b][n] = lambda / B,
 * </pre>
 * the "R = lambda sum_t s_t" sparsity regulariser of the surrogate-gradient literature
 * (Neftci, Mostafa &amp; Zenke 2019; bptt-applications.md, "efficient coding"), averaged over
 * the batch. Units: lambda is loss per spike; R is loss per sample. Its gradient pushes
 * every neuron's membrane down wherever the surrogate derivative is nonzero, whether the
 * neuron spiked or not. For a penalty that only acts above (or below) a rate, use
 * {@link FiringRatePenalty}.
 */
public final class SpikeCountPenalty implements Regularizer {

    private final double lambda;

    /** @param lambda weight per spike, finite and &gt;= 0 */
    public SpikeCountPenalty(double lambda) {
        this.lambda = LossArgs.lambda(lambda);
    }

    public double lambda() { return lambda; }

    @Override
    public boolean needsMembrane() { return false; }

    @Override
    public String name() { return "spike-count-penalty"; }

    @Override
    public double apply(FloatBuffer spikes, FloatBuffer u, float[] theta, int steps, int batch, int neurons,
                        FloatBuffer gradSpikes, FloatBuffer gradU) {
        int n = LossArgs.size(steps, batch, neurons, "neurons");
        LossArgs.buffer("spikes", spikes, n);
        LossArgs.buffer("gradSpikes", gradSpikes, n);
        double sum = 0;
        for (int k = 0; k < n; k++) sum += spikes.get(k);
        if (lambda != 0) {
            float g = (float) (lambda / batch);
            for (int k = 0; k < n; k++) gradSpikes.put(k, gradSpikes.get(k) + g);
        }
        return lambda * sum / batch;
    }

    @Override
    public String toString() { return name() + "(lambda=" + lambda + ")"; }
}
