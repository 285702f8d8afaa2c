package io.spikegrad.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable set of labelled grey-scale images, e.g. Fashion-MNIST: {@code size()} images of
 * {@code rows() x cols()} uint8 pixels, stored once as bytes ({@code [n][rows][cols]}, row-major).
 *
 * <p>Pixel intensities are handed out as floats in [0, 1] ({@code byte / 255}), ready for the
 * encoders; {@link #toDataset(EventEncoder)} turns the whole set into spike events.
 */
public final class ImageSet {

    private final String name;
    private final int count;
    private final int rows;
    private final int cols;
    private final int classes;
    private final byte[] pixels;
    private final byte[] labels;

    /** Takes ownership of the arrays (the IDX reader allocated them). */
    ImageSet(String name, int count, int rows, int cols, int classes, byte[] pixels, byte[] labels) {
        this.name = name;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.classes = classes;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * An image set from copies of the given arrays.
     *
     * @param pixels {@code [count][rows][cols]} uint8 intensities, row-major
     * @param labels {@code [count]} labels in {@code [0, classes)}
     */
    public static ImageSet of(String name, int rows, int cols, int classes, byte[] pixels, byte[] labels) {
        Objects.requireNonNull(name, "name");
        if (rows < 1 || cols < 1) throw new IllegalArgumentException("rows and cols must be >= 1, got " + rows + "x" + cols);
        if (classes < 1 || classes > 256) throw new IllegalArgumentException("classes must be in [1, 256], got " + classes);
        long per = (long) rows * cols;
        if (pixels.length != per * labels.length) {
            throw new IllegalArgumentException("pixels must hold labels.length * rows * cols = " + per * labels.length
                    + " bytes, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xFF) >= classes) {
                throw new IllegalArgumentException("label " + i + " is " + (labels[i] & 0xFF) + ", must be in [0, " + classes + ")");
            }
        }
        return new ImageSet(name, labels.length, rows, cols, classes, pixels.clone(), labels.clone());
    }

    /** Name, e.g. {@code "fashion-mnist-train"}. */
    public String name() {
        return name;
    }

    /** Number of images. */
    public int size() {
        return count;
    }

    /** Image height in pixels. */
    public int rows() {
        return rows;
    }

    /** Image width in pixels. */
    public int cols() {
        return cols;
    }

    /** Pixels per image, {@code rows * cols}: the number of input channels of an encoding. */
    public int features() {
        return rows * cols;
    }

    /** Number of classes; labels lie in {@code [0, classes())}. */
    public int classes() {
        return classes;
    }

    /** Label of image {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, count);
        return labels[i] & 0xFF;
    }

    /** Raw intensity 0..255 of pixel {@code (r, c)} of image {@code i}. */
    public int rawPixel(int i, int r, int c) {
        Objects.checkIndex(i, count);
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return pixels[(i * rows + r) * cols + c] & 0xFF;
    }

    /** A copy of image {@code i}'s raw bytes, {@code [rows][cols]} row-major. */
    public byte[] rawPixels(int i) {
        Objects.checkIndex(i, count);
        int n = features();
        byte[] out = new byte[n];
        System.arraycopy(pixels, i * n, out, 0, n);
        return out;
    }

    /** Image {@code i} as intensities in [0, 1] ({@code byte / 255}), {@code [rows][cols]} row-major. */
    public float[] pixels(int i) {
        float[] out = new float[features()];
        pixels(i, out, 0);
        return out;
    }

    /** Writes image {@code i}'s intensities in [0, 1] into {@code dst[offset .. offset + features())}. */
    public void pixels(int i, float[] dst, int offset) {
        Objects.checkIndex(i, count);
        int n = features();
        EncoderChecks.range("dst", dst, offset, n);
        int base = i * n;
        for (int k = 0; k < n; k++) dst[offset + k] = (pixels[base + k] & 0xFF) * (1f / 255f);
    }

    /** Number of images per class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int i = 0; i < count; i++) counts[labels[i] & 0xFF]++;
        return counts;
    }

    /** A reproducible permutation for one epoch; same rule as {@link Dataset#shuffledOrder(int, long, int)}. */
    public int[] shuffledOrder(long seed, int epoch) {
        return Dataset.shuffledOrder(count, seed, epoch);
    }

    /**
     * Encodes every image ({@link #pixels(int)}) into spike events over {@link #features()} channels,
     * keeping the labels and the name.
     */
    public Dataset toDataset(EventEncoder encoder) {
        Objects.requireNonNull(encoder, "encoder");
        List<EventSample> out = new ArrayList<>(count);
        float[] buf = new float[features()];
        for (int i = 0; i < count; i++) {
            pixels(i, buf, 0);
            out.add(new EventSample(encoder.encode(buf), labels[i] & 0xFF));
        }
        return Dataset.of(name, features(), classes, out);
    }

    @Override
    public String toString() {
        return "ImageSet[" + name + ", " + count + " images " + rows + "x" + cols + ", " + classes + " classes]";
    }
}
