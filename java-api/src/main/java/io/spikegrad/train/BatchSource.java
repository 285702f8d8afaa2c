package io.spikegrad.train;

/**
 * Samples on a discrete time grid, as dense time-major batches. Implementations fill
 * caller-owned arrays so a training loop allocates nothing per batch.
 */
public interface BatchSource {

    /** Number of samples. */
    int size();

    /** Time steps T per sample. */
    int steps();

    /** Input channels. */
    int channels();

    /** Classes of the labels. */
    int classes();

    /**
     * Writes samples {@code indices} into {@code input} ([T][B][channels], B = indices.length,
     * overwritten) and their labels into {@code labels}.
     */
    void fill(int[] indices, float[] input, int[] labels);
}
