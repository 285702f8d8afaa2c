package io.spikegrad.data;

import java.util.Objects;

/**
 * One labelled sample: its input spike events and an integer class label.
 *
 * <p>Immutable: {@link SpikeEvents} is itself immutable.
 *
 * @param events the input spikes (times in seconds)
 * @param label  the class, {@code >= 0}
 */
public record EventSample(SpikeEvents events, int label) {

    /** Checks the arguments. */
    public EventSample {
        Objects.requireNonNull(events, "events");
        if (label < 0) throw new IllegalArgumentException("label must be >= 0, got " + label);
    }

    /** Shorthand for {@code new EventSample(SpikeEvents.of(channels, times, ids), label)}. */
    public static EventSample of(int channels, double[] times, int[] ids, int label) {
        return new EventSample(SpikeEvents.of(channels, times, ids), label);
    }

    /** Number of input channels of the events. */
    public int channels() {
        return events.channels();
    }
}
