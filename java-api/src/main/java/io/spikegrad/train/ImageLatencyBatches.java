package io.spikegrad.train;

import io.spikegrad.data.Binning;
import io.spikegrad.data.ImageSet;

/**
 * Images as linear-latency spikes on a grid, computed per batch (no per-sample event lists):
 * pixel value v &gt; threshold spikes once at t = tMin + (1 - v)(tMax - tMin) seconds, in step
 * floor(t/dt) (the {@link Binning} rule), as {@code LinearLatencyEncoder} defines it.
 * A range [from, to) of the image set is exposed, so one set yields train and validation.
 */
public final class ImageLatencyBatches implements BatchSource {
    private final ImageSet images;
    private final int from, to, steps;
    private final double dt, tMin, tMax, threshold;

    public ImageLatencyBatches(ImageSet images, int from, int to, double dt, int steps, double tMin, double tMax, double threshold) {
        if (from < 0 || to > images.size() || from >= to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") must lie within the " + images.size() + " images");
        }
        if (!(tMax > tMin && tMin >= 0)) throw new IllegalArgumentException("need 0 <= tMin < tMax, got " + tMin + ", " + tMax);
        if (Binning.step(tMax, dt) >= steps) {
            throw new IllegalArgumentException("steps = " + steps + " of dt = " + dt + " s do not reach tMax = " + tMax + " s");
        }
        this.images = images;
        this.from = from;
        this.to = to;
        this.dt = dt;
        this.steps = steps;
        this.tMin = tMin;
        this.tMax = tMax;
        this.threshold = threshold;
    }

    @Override public int size() { return to - from; }
    @Override public int steps() { return steps; }
    @Override public int channels() { return images.features(); }
    @Override public int classes() { return images.classes(); }

    @Override
    public void fill(int[] indices, float[] input, int[] labels) {
        int b = indices.length, c = images.features();
        java.util.Arrays.fill(input, 0, steps * b * c, 0f);
        for (int j = 0; j < b; j++) {
            int i = from + indices[j];
            byte[] px = images.rawPixels(i);
            labels[j] = images.label(i);
            for (int k = 0; k < c; k++) {
                double v = (px[k] & 0xff) / 255.0;
                if (v <= threshold) continue;
                int step = Binning.step(tMin + (1 - v) * (tMax - tMin), dt);
                input[(step * b + j) * c + k] = 1f;
            }
        }
    }
}
