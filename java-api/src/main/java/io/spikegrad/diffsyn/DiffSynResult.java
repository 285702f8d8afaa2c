package io.spikegrad.diffsyn;

/**
 * What one {@link DiffSynEngine#run} produced. Arrays not asked for are null.
 *
 * @param loss        the batch loss: mean over samples of (1/T) sum_k (|o[k+1] - target[k]|^2 + lambda |s_slow[k+1]|^2)/2
 * @param sampleLoss  [B] each sample's loss
 * @param readout     [T][B][R] o[k+1], or null
 * @param spikes      [T][B][N] signed crossings of each step (+1 a crossing of +1, -1 of -1; clamped to +-127), or null
 * @param spikeCounts [B][N] crossings per neuron (|n| summed over the steps)
 * @param gradient    dL/dparameters of the batch loss, or null
 * @param gradV0      [B][N] dL/dv0, or null
 */
public record DiffSynResult(double loss, double[] sampleLoss, double[] readout, byte[] spikes, int[] spikeCounts,
                            DiffSynParams gradient, double[] gradV0) {

    /** Total crossings over the batch. */
    public long totalSpikes() {
        long s = 0;
        for (int c : spikeCounts) s += c;
        return s;
    }
}
