package io.spikegrad.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An immutable, indexable collection of {@link EventSample}s over a fixed number of input channels
 * and classes.
 *
 * <p>Every sample has exactly {@link #channels()} channels and a label in {@code [0, classes())}.
 * {@link #shuffledOrder(long, int)} gives the same permutation for the same seed and epoch on every
 * machine and JDK, so training runs are reproducible.
 */
public final class Dataset {

    private final String name;
    private final int channels;
    private final int classes;
    private final List<EventSample> samples;

    private Dataset(String name, int channels, int classes, List<EventSample> samples) {
        this.name = name;
        this.channels = channels;
        this.classes = classes;
        this.samples = samples;
    }

    /**
     * A data set holding a copy of the given list.
     *
     * @param name     a short name for messages and logs, e.g. {@code "yinyang-train"}
     * @param channels input channels of every sample ({@code >= 1})
     * @param classes  number of classes ({@code >= 1}); labels lie in {@code [0, classes)}
     * @param samples  the samples; none null
     * @throws IllegalArgumentException naming the first sample whose channels or label do not fit
     */
    public static Dataset of(String name, int channels, int classes, List<EventSample> samples) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(samples, "samples");
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        if (classes < 1) throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        List<EventSample> copy = new ArrayList<>(samples);
        for (int i = 0; i < copy.size(); i++) {
            EventSample s = copy.get(i);
            if (s == null) throw new NullPointerException(name + ": sample " + i + " is null");
            if (s.channels() != channels) {
                throw new IllegalArgumentException(name + ": sample " + i + " has " + s.channels()
                        + " channels, the data set " + channels);
            }
            if (s.label() >= classes) {
                throw new IllegalArgumentException(name + ": sample " + i + " has label " + s.label()
                        + ", must be in [0, " + classes + ")");
            }
        }
        return new Dataset(name, channels, classes, Collections.unmodifiableList(copy));
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    /** Number of input channels of every sample. */
    public int channels() {
        return channels;
    }

    /** Number of classes; labels lie in {@code [0, classes())}. */
    public int classes() {
        return classes;
    }

    /** Number of samples. */
    public int size() {
        return samples.size();
    }

    /** Sample {@code i}, {@code 0 <= i < size()}. */
    public EventSample get(int i) {
        return samples.get(i);
    }

    /** Label of sample {@code i}. */
    public int label(int i) {
        return samples.get(i).label();
    }

    /** An unmodifiable view of all samples, in index order. */
    public List<EventSample> samples() {
        return samples;
    }

    /** Number of samples per class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (EventSample s : samples) counts[s.label()]++;
        return counts;
    }

    /** The samples {@code [from, to)} as a new data set named {@code name + "[from:to]"}. */
    public Dataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, samples.size());
        return new Dataset(name + "[" + from + ":" + to + "]", channels, classes,
                Collections.unmodifiableList(new ArrayList<>(samples.subList(from, to))));
    }

    /**
     * A reproducible permutation of {@code 0 .. size()-1} for one training epoch; see
     * {@link #shuffledOrder(int, long, int)} for the exact rule.
     */
    public int[] shuffledOrder(long seed, int epoch) {
        return shuffledOrder(samples.size(), seed, epoch);
    }

    /**
     * A reproducible permutation of {@code 0 .. n-1}.
     *
     * <p>Rule (stable across releases, so results can be reproduced): a
     * {@code new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (epoch + 1L))} drives a Fisher-Yates
     * shuffle of the identity: for {@code i = n-1} down to {@code 1}, swap element {@code i} with
     * element {@code nextInt(i + 1)}. Different epochs of one seed give independent-looking orders.
     */
    public static int[] shuffledOrder(int n, long seed, int epoch) {
        if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (epoch + 1L));
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + samples.size() + " samples, " + channels + " channels, "
                + classes + " classes]";
    }
}
