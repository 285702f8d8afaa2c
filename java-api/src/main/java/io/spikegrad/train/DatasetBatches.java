package io.spikegrad.train;

import io.spikegrad.data.Binning;
import io.spikegrad.data.Dataset;

/**
 * A {@link Dataset} of spike events binned onto a grid of {@code steps} steps of {@code dt}
 * seconds (rule: {@link Binning}), as the dense batches BPTT consumes. Events past the
 * window are dropped and counted ({@link #dropped()}).
 */
public final class DatasetBatches implements BatchSource {
    private final Dataset data;
    private final double dt;
    private final int steps;
    private long dropped;

    public DatasetBatches(Dataset data, double dt, int steps) {
        this.data = data;
        this.dt = dt;
        this.steps = steps;
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }

    public Dataset dataset() { return data; }

    public double dt() { return dt; }

    @Override
    public int size() { return data.size(); }

    @Override
    public int steps() { return steps; }

    @Override
    public int channels() { return data.channels(); }

    @Override
    public int classes() { return data.classes(); }

    /** Events dropped so far because they fell past the window. */
    public long dropped() { return dropped; }

    @Override
    public void fill(int[] indices, float[] input, int[] labels) {
        dropped += Binning.toDenseBatch(data, indices, 0, indices.length, dt, steps, input, 0);
        for (int b = 0; b < indices.length; b++) labels[b] = data.label(indices[b]);
    }
}
