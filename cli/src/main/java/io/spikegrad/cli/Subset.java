package io.spikegrad.cli;

import io.spikegrad.train.BatchSource;

/** The first {@code n} samples of a batch source. */
final class Subset implements BatchSource {
    private final BatchSource base;
    private final int n;

    private Subset(BatchSource base, int n) {
        this.base = base;
        this.n = n;
    }

    static BatchSource first(BatchSource base, int n) {
        if (n < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + n);
        return new Subset(base, Math.min(n, base.size()));
    }

    @Override public int size() { return n; }
    @Override public int steps() { return base.steps(); }
    @Override public int channels() { return base.channels(); }
    @Override public int classes() { return base.classes(); }
    @Override public void fill(int[] indices, float[] input, int[] labels) { base.fill(indices, input, labels); }
}
