package io.spikegrad.data;

import java.util.Arrays;

/**
 * An immutable list of input spike events {@code (time, channel)} over a fixed number of channels.
 *
 * <p>Times are in seconds, finite and {@code >= 0}; channels are in {@code [0, channels())}. The
 * events are stored sorted by time (a stable sort: events with equal times keep the order they were
 * given in), which is the order an event-driven simulation consumes them. The arrays passed in are
 * copied and the accessors that return arrays return copies, so an instance can be shared freely
 * between threads.
 */
public final class SpikeEvents {

    private final int channels;
    private final double[] times;
    private final int[] ids;

    private SpikeEvents(int channels, double[] times, int[] ids) {
        this.channels = channels;
        this.times = times;
        this.ids = ids;
    }

    /**
     * Events from parallel arrays (copied).
     *
     * @param channels number of input channels ({@code >= 1})
     * @param times    spike times in seconds, finite and {@code >= 0}
     * @param ids      channel of each spike, in {@code [0, channels)}
     * @throws IllegalArgumentException naming the first offending event
     */
    public static SpikeEvents of(int channels, double[] times, int[] ids) {
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        if (times == null) throw new NullPointerException("times must not be null");
        if (ids == null) throw new NullPointerException("channel ids must not be null");
        if (times.length != ids.length) {
            throw new IllegalArgumentException("times and channel ids must have the same length, got "
                    + times.length + " and " + ids.length);
        }
        for (int i = 0; i < times.length; i++) {
            checkEvent(i, times[i], ids[i], channels);
        }
        return sorted(channels, times.clone(), ids.clone());
    }

    /** No events over {@code channels} channels. */
    public static SpikeEvents empty(int channels) {
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        return new SpikeEvents(channels, new double[0], new int[0]);
    }

    /**
     * Like {@link #of} but takes ownership of the arrays instead of copying them (package-private:
     * for encoders in this package that allocated the arrays themselves). Still validates.
     */
    static SpikeEvents adopt(int channels, double[] times, int[] ids) {
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        for (int i = 0; i < times.length; i++) {
            checkEvent(i, times[i], ids[i], channels);
        }
        return sorted(channels, times, ids);
    }

    private static void checkEvent(int i, double t, int c, int channels) {
        if (!Double.isFinite(t) || t < 0) {
            throw new IllegalArgumentException("event " + i + ": time must be finite and >= 0 s, got " + t);
        }
        if (c < 0 || c >= channels) {
            throw new IllegalArgumentException("event " + i + ": channel must be in [0, " + channels + "), got " + c);
        }
    }

    private static SpikeEvents sorted(int channels, double[] times, int[] ids) {
        boolean ordered = true;
        for (int i = 1; i < times.length && ordered; i++) ordered = times[i - 1] <= times[i];
        if (!ordered) {
            Integer[] order = new Integer[times.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Double.compare(times[a], times[b])); // TimSort: stable
            double[] t = new double[times.length];
            int[] c = new int[ids.length];
            for (int i = 0; i < order.length; i++) {
                t[i] = times[order[i]];
                c[i] = ids[order[i]];
            }
            return new SpikeEvents(channels, t, c);
        }
        return new SpikeEvents(channels, times, ids);
    }

    /** Number of input channels the events live on. */
    public int channels() {
        return channels;
    }

    /** Number of events. */
    public int size() {
        return times.length;
    }

    /** Time of event {@code i} in seconds (events are in time order). */
    public double time(int i) {
        return times[i];
    }

    /** Channel of event {@code i}. */
    public int channel(int i) {
        return ids[i];
    }

    /** A copy of the spike times in seconds, in time order. */
    public double[] times() {
        return times.clone();
    }

    /** A copy of the channel of each event, parallel to {@link #times()}. */
    public int[] channelIds() {
        return ids.clone();
    }

    /** Latest spike time in seconds, or 0 when there are no events. */
    public double lastTime() {
        return times.length == 0 ? 0.0 : times[times.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpikeEvents e && e.channels == channels
                && Arrays.equals(e.times, times) && Arrays.equals(e.ids, ids);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * channels + Arrays.hashCode(times)) + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SpikeEvents[channels=").append(channels).append(", ");
        int shown = Math.min(times.length, 8);
        for (int i = 0; i < shown; i++) {
            b.append(i == 0 ? "" : ", ").append('(').append(times[i]).append(" s, ").append(ids[i]).append(')');
        }
        if (shown < times.length) b.append(", ... ").append(times.length - shown).append(" more");
        return b.append(']').toString();
    }
}
