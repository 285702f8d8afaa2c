package io.spikegrad.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Puts spike events onto a discrete time grid of {@code steps} steps of {@code dt} seconds, as spike
 * counts in time-major float arrays: {@code [T][channels]} for one sample, {@code [T][B][channels]}
 * for a batch.
 *
 * <h2>The rule</h2>
 * Step {@code k} covers {@code [k dt, (k+1) dt)}: an event at time {@code t} lands in step
 * {@code k = floor(t / dt + 1e-9)} (see {@link #step(double, double)}). The tolerance of
 * {@code 1e-9} of a step makes a time computed as {@code k * dt} land in step {@code k} even when
 * rounding leaves it a hair below the grid line; it moves nothing else. Events with
 * {@code k >= steps} are past the window: they are dropped, and every method that fills a grid
 * returns (or lets you {@link #countDropped count}) how many were dropped. Several events of one
 * channel in one step add up. To keep an event at exactly time {@code W}, use
 * {@link #stepsFor(double, double) stepsFor(W, dt)} steps (e.g. 81 steps of 0.5 ms for the Yin-Yang
 * latencies up to 40 ms).
 *
 * <p>The methods that write into a caller's array overwrite (zero, then count) exactly the region
 * they describe and touch nothing else, so one buffer can be reused for every batch without
 * allocating.
 */
public final class Binning {

    /** Tolerance, in steps, added before flooring. */
    public static final double EPSILON = 1e-9;

    private Binning() {}

    /** The step of an event at time {@code t >= 0} seconds: {@code floor(t / dt + 1e-9)}. */
    public static int step(double t, double dt) {
        double k = Math.floor(t / dt + EPSILON);
        return k >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) k;
    }

    /** Number of steps needed so that an event at exactly {@code window} seconds is kept: {@code step(window, dt) + 1}. */
    public static int stepsFor(double window, double dt) {
        checkDt(dt);
        if (!Double.isFinite(window) || window < 0) throw new IllegalArgumentException("window must be finite and >= 0 s, got " + window);
        int k = step(window, dt);
        if (k == Integer.MAX_VALUE) throw new IllegalArgumentException("window " + window + " s / dt " + dt + " s is too many steps");
        return k + 1;
    }

    /** Number of events of {@code e} at or past the end of a {@code steps} x {@code dt} window. */
    public static int countDropped(SpikeEvents e, double dt, int steps) {
        checkDt(dt);
        int dropped = 0;
        for (int i = 0; i < e.size(); i++) if (step(e.time(i), dt) >= steps) dropped++;
        return dropped;
    }

    /**
     * Spike counts of one sample on the grid, {@code [steps][channels]} time-major; events past the
     * window are dropped ({@link #countDropped} counts them).
     *
     * @param channels channels of the grid, {@code >= s.channels()}
     * @param dt       step in seconds
     * @param steps    number of steps {@code T}
     */
    public static float[] toDense(EventSample s, int channels, double dt, int steps) {
        return toDense(s.events(), channels, dt, steps);
    }

    /** As {@link #toDense(EventSample, int, double, int)} for bare events. */
    public static float[] toDense(SpikeEvents e, int channels, double dt, int steps) {
        checkGrid(channels, dt, steps);
        float[] out = new float[Math.multiplyExact(steps, channels)];
        toDense(e, channels, dt, steps, out, 0, channels);
        return out;
    }

    /**
     * Writes one sample's counts into {@code dst}: step {@code k}, channel {@code c} goes to
     * {@code dst[offset + k * rowStride + c]}, for {@code k < steps}, {@code c < channels}. Those
     * entries are zeroed first; no other entry is touched. For a batch {@code [T][B][C]}, sample
     * {@code b} uses {@code offset = base + b * C} and {@code rowStride = B * C}.
     *
     * @return the number of events dropped because they fall past the window
     */
    public static int toDense(SpikeEvents e, int channels, double dt, int steps, float[] dst, int offset, int rowStride) {
        Objects.requireNonNull(e, "events");
        checkGrid(channels, dt, steps);
        if (channels < e.channels()) {
            throw new IllegalArgumentException("channels = " + channels + " is fewer than the events' " + e.channels());
        }
        if (rowStride < channels) throw new IllegalArgumentException("rowStride must be >= channels = " + channels + ", got " + rowStride);
        EncoderChecks.range("dst", dst, offset, (long) (steps - 1) * rowStride + channels);
        for (int k = 0; k < steps; k++) {
            int row = offset + k * rowStride;
            Arrays.fill(dst, row, row + channels, 0f);
        }
        int dropped = 0;
        for (int i = 0; i < e.size(); i++) {
            int k = step(e.time(i), dt);
            if (k >= steps) {
                dropped++;
            } else {
                dst[offset + k * rowStride + e.channel(i)] += 1f;
            }
        }
        return dropped;
    }

    /**
     * Writes a batch of samples time-major into {@code dst[offset .. offset + steps * B * channels)}:
     * step {@code k}, sample {@code b}, channel {@code c} at {@code offset + (k * B + b) * channels + c},
     * where {@code B = batch.size()}. The whole region is overwritten.
     *
     * @return the number of events dropped because they fall past the window
     */
    public static int toDenseBatch(List<EventSample> batch, int channels, double dt, int steps, float[] dst, int offset) {
        Objects.requireNonNull(batch, "batch");
        checkGrid(channels, dt, steps);
        int b = batch.size();
        long size = (long) steps * b * channels;
        EncoderChecks.range("dst", dst, offset, size);
        Arrays.fill(dst, offset, (int) (offset + size), 0f);
        int dropped = 0;
        for (int j = 0; j < b; j++) {
            dropped += toDense(batch.get(j).events(), channels, dt, steps, dst, offset + j * channels, b * channels);
        }
        return dropped;
    }

    /**
     * Writes the samples {@code data.get(indices[from + j])}, {@code j < count}, as a batch of
     * {@code count} time-major into {@code dst} (as {@link #toDenseBatch(List, int, double, int, float[], int)}
     * with {@code channels = data.channels()}). Meant for a shuffled order:
     * {@code toDenseBatch(data, data.shuffledOrder(seed, epoch), batchStart, batchSize, ...)}.
     *
     * @return the number of events dropped because they fall past the window
     */
    public static int toDenseBatch(Dataset data, int[] indices, int from, int count, double dt, int steps, float[] dst, int offset) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(from, count, indices.length);
        int channels = data.channels();
        checkGrid(channels, dt, steps);
        long size = (long) steps * count * channels;
        EncoderChecks.range("dst", dst, offset, size);
        Arrays.fill(dst, offset, (int) (offset + size), 0f);
        int dropped = 0;
        for (int j = 0; j < count; j++) {
            dropped += toDense(data.get(indices[from + j]).events(), channels, dt, steps, dst, offset + j * channels, count * channels);
        }
        return dropped;
    }

    private static void checkDt(double dt) {
        if (!Double.isFinite(dt) || !(dt > 0)) throw new IllegalArgumentException("dt must be finite and > 0 s, got " + dt);
    }

    private static void checkGrid(int channels, double dt, int steps) {
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        checkDt(dt);
    }
}
