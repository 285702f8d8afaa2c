package io.spikegrad.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The Yin-Yang data set (Kriener, Göltz and Petrovici 2021): points {@code (x, y)} in the unit
 * square, inside the circle of radius {@link #R_BIG} around {@code (0.5, 0.5)}, labelled by the
 * region of the yin-yang symbol they fall in.
 *
 * <h2>Geometry</h2>
 * Coordinates lie in {@code [0, 2 R_BIG]^2 = [0, 1]^2}. The S-shaped border between the two halves
 * is made of two half circles of radius {@code R_BIG/2 = 0.25} around the "lobe" centres
 * {@code L = (0.25, 0.5)} and {@code R = (0.75, 0.5)}; the dots are the discs of radius
 * {@link #R_SMALL} around {@code L} and {@code R}. With {@code dL}, {@code dR} the distances to them:
 * <ul>
 *   <li>{@link #DOT} (2): {@code dL < 0.1} or {@code dR < 0.1};</li>
 *   <li>{@link #YANG} (1): otherwise, if {@code dL <= 0.25} (the left lobe), or {@code y > 0.5} and
 *       {@code dR > 0.25} (the upper half outside the right lobe);</li>
 *   <li>{@link #YIN} (0): everything else in the big circle (the lower half outside the left lobe,
 *       plus the right lobe).</li>
 * </ul>
 * The point reflection {@code (x, y) -> (1-x, 1-y)} swaps yin and yang and keeps the dots. This is
 * the labelling of the published splits (their label 1 is the region containing the upper half);
 * the names follow the published class order {@code [yin, yang, dot]}.
 *
 * <h2>Spike encoding</h2>
 * As in the EventProp paper: five input channels; channels 0..3 carry {@code x, 1-x, y, 1-y}, each
 * as one spike at {@code t_min + v (t_max - t_min)}, and channel 4 a bias spike at {@code t_bias}.
 * See {@link Encoding}.
 *
 * <h2>Splits</h2>
 * {@link #train()} (5000 samples), {@link #validation()} (1000) and {@link #test()} (1000) are the
 * published splits shipped as CSV resources ({@code x,y,label}) and read with their numbers
 * unchanged; {@link #generate(int, long)} draws new samples.
 */
public final class YinYang {

    /** Class of the region containing the lower half (and the right lobe). */
    public static final int YIN = 0;
    /** Class of the region containing the upper half (and the left lobe). */
    public static final int YANG = 1;
    /** Class of the two small dots. */
    public static final int DOT = 2;
    /** Number of classes. */
    public static final int CLASSES = 3;
    /** Number of input channels of the spike encoding: x, 1-x, y, 1-y, bias. */
    public static final int CHANNELS = 5;
    /** Radius of the big circle; the square is {@code [0, 2 R_BIG]^2}. */
    public static final double R_BIG = 0.5;
    /** Radius of the two dots. */
    public static final double R_SMALL = 0.1;

    private YinYang() {}

    /** The published splits shipped with the library. */
    public enum Split {
        /** 5000 samples. */
        TRAIN("train"),
        /** 1000 samples. */
        VALIDATION("validation"),
        /** 1000 samples. */
        TEST("test");

        private final String file;

        Split(String file) {
            this.file = file;
        }

        /** Classpath resource holding the split, relative to this package. */
        String resource() {
            return "yinyang/" + file + ".csv";
        }

        /** Data set name, e.g. {@code "yinyang-train"}. */
        String dataName() {
            return "yinyang-" + file;
        }
    }

    /**
     * Timing of the spike encoding, in seconds.
     *
     * @param tMin  latency of a coordinate value 0 (default 0.010 s)
     * @param tMax  latency of a coordinate value 1 (default 0.040 s)
     * @param tBias time of the bias spike on channel 4 (default 0.020 s)
     */
    public record Encoding(double tMin, double tMax, double tBias) {

        /** Checks {@code 0 <= tMin < tMax} and {@code tBias >= 0}, all finite. */
        public Encoding {
            if (!Double.isFinite(tMin) || tMin < 0) throw new IllegalArgumentException("tMin must be finite and >= 0 s, got " + tMin);
            if (!Double.isFinite(tMax) || !(tMax > tMin)) {
                throw new IllegalArgumentException("tMax must be finite and > tMin = " + tMin + " s, got " + tMax);
            }
            if (!Double.isFinite(tBias) || tBias < 0) throw new IllegalArgumentException("tBias must be finite and >= 0 s, got " + tBias);
        }

        /** The EventProp paper's timing: t_min 10 ms, t_max 40 ms, bias at 20 ms. */
        public static Encoding defaults() {
            return new Encoding(0.010, 0.040, 0.020);
        }

        /** Latency in seconds of a value {@code v} in [0, 1]: {@code tMin + v (tMax - tMin)}. */
        public double latency(double v) {
            return tMin + v * (tMax - tMin);
        }

        /** The five spikes of point {@code (x, y)}: x, 1-x, y, 1-y on channels 0..3, bias on 4. */
        public SpikeEvents encode(double x, double y) {
            double[] t = {latency(x), latency(1 - x), latency(y), latency(1 - y), tBias};
            return SpikeEvents.adopt(CHANNELS, t, new int[] {0, 1, 2, 3, 4});
        }

        /** Latest spike time any point can produce: {@code max(tMax, tBias)}. */
        public double window() {
            return Math.max(tMax, tBias);
        }
    }

    /** Immutable raw Yin-Yang points: coordinates and labels, before any spike encoding. */
    public static final class Points {
        private final String name;
        private final double[] x;
        private final double[] y;
        private final int[] labels;

        private Points(String name, double[] x, double[] y, int[] labels) {
            this.name = name;
            this.x = x;
            this.y = y;
            this.labels = labels;
        }

        /**
         * Points from parallel arrays (copied); labels must be in [0, 3) and coordinates finite.
         */
        public static Points of(String name, double[] x, double[] y, int[] labels) {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length || x.length != labels.length) {
                throw new IllegalArgumentException("x, y and labels must have the same length, got "
                        + x.length + ", " + y.length + ", " + labels.length);
            }
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                    throw new IllegalArgumentException(name + ": point " + i + " is not finite: (" + x[i] + ", " + y[i] + ")");
                }
                if (labels[i] < 0 || labels[i] >= CLASSES) {
                    throw new IllegalArgumentException(name + ": point " + i + " has label " + labels[i] + ", must be in [0, 3)");
                }
            }
            return new Points(name, x.clone(), y.clone(), labels.clone());
        }

        /** Name, e.g. {@code "yinyang-train"}. */
        public String name() {
            return name;
        }

        /** Number of points. */
        public int size() {
            return x.length;
        }

        /** x coordinate of point {@code i}. */
        public double x(int i) {
            return x[i];
        }

        /** y coordinate of point {@code i}. */
        public double y(int i) {
            return y[i];
        }

        /** Label of point {@code i}: {@link #YIN}, {@link #YANG} or {@link #DOT}. */
        public int label(int i) {
            return labels[i];
        }

        /** Spike-encoded data set with the given timing. */
        public Dataset encode(Encoding encoding) {
            Objects.requireNonNull(encoding, "encoding");
            List<EventSample> samples = new ArrayList<>(x.length);
            for (int i = 0; i < x.length; i++) {
                samples.add(new EventSample(encoding.encode(x[i], y[i]), labels[i]));
            }
            return Dataset.of(name, CHANNELS, CLASSES, samples);
        }
    }

    /** The published training split (5000 samples), default encoding. */
    public static Dataset train() {
        return points(Split.TRAIN).encode(Encoding.defaults());
    }

    /** The published validation split (1000 samples), default encoding. */
    public static Dataset validation() {
        return points(Split.VALIDATION).encode(Encoding.defaults());
    }

    /** The published test split (1000 samples), default encoding. */
    public static Dataset test() {
        return points(Split.TEST).encode(Encoding.defaults());
    }

    /** A published split with the given encoding. */
    public static Dataset load(Split split, Encoding encoding) {
        return points(split).encode(encoding);
    }

    /**
     * The raw points of a published split, read from the classpath resource with the numbers
     * exactly as written in the CSV ({@code Double.parseDouble} of each field).
     *
     * @throws UncheckedIOException if the resource cannot be read
     * @throws IllegalStateException if the resource is missing or malformed (with line number)
     */
    public static Points points(Split split) {
        String resource = split.resource();
        try (InputStream in = YinYang.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Yin-Yang resource io/spikegrad/data/" + resource
                        + " is missing from the classpath (it ships inside the spikegrad jar)");
            }
            return parseCsv(split.dataName(), in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading Yin-Yang resource " + resource, e);
        }
    }

    /**
     * Parses a Yin-Yang CSV with a header naming columns {@code x}, {@code y} and {@code label}
     * (in any order; other columns are ignored).
     */
    static Points parseCsv(String name, InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = r.readLine();
        if (header == null) throw new IllegalStateException(name + ": empty CSV");
        String[] cols = header.strip().split(",");
        int cx = -1, cy = -1, cl = -1;
        for (int i = 0; i < cols.length; i++) {
            switch (cols[i].strip()) {
                case "x" -> cx = i;
                case "y" -> cy = i;
                case "label" -> cl = i;
                default -> { }
            }
        }
        if (cx < 0 || cy < 0 || cl < 0) {
            throw new IllegalStateException(name + ": CSV header must name columns x, y, label; got '" + header + "'");
        }
        int need = Math.max(cx, Math.max(cy, cl)) + 1;
        List<double[]> xy = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        String line;
        int lineNo = 1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            if (f.length < need) throw new IllegalStateException(name + " line " + lineNo + ": expected " + need + " fields: '" + line + "'");
            try {
                xy.add(new double[] {Double.parseDouble(f[cx].strip()), Double.parseDouble(f[cy].strip())});
                labels.add(Integer.parseInt(f[cl].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalStateException(name + " line " + lineNo + ": not a number: '" + line + "'", e);
            }
        }
        int n = xy.size();
        double[] x = new double[n], y = new double[n];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = xy.get(i)[0];
            y[i] = xy.get(i)[1];
            l[i] = labels.get(i);
        }
        return Points.of(name, x, y, l);
    }

    /**
     * Class of point {@code (x, y)} by the geometry in the class comment: {@link #YIN},
     * {@link #YANG} or {@link #DOT}; {@code -1} outside the big circle.
     */
    public static int classify(double x, double y) {
        if (Math.hypot(x - R_BIG, y - R_BIG) > R_BIG) return -1;
        double dLeft = Math.hypot(x - 0.5 * R_BIG, y - R_BIG);
        double dRight = Math.hypot(x - 1.5 * R_BIG, y - R_BIG);
        if (dLeft < R_SMALL || dRight < R_SMALL) return DOT;
        boolean upperHalf = dLeft <= 0.5 * R_BIG || (y > R_BIG && dRight > 0.5 * R_BIG);
        return upperHalf ? YANG : YIN;
    }

    /**
     * New points by the data set's definition: for each sample a goal class is drawn uniformly from
     * {0, 1, 2}; then points are drawn uniformly in {@code [0, 2 R_BIG]^2} and rejected until one
     * lies inside the big circle and has the goal class (so the classes are balanced in expectation
     * although the dots cover a much smaller area). Deterministic for a given seed
     * ({@link SplittableRandom}).
     *
     * @param n    number of points ({@code >= 0})
     * @param seed random seed
     */
    public static Points generatePoints(int n, long seed) {
        if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[n], y = new double[n];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            int goal = rng.nextInt(CLASSES);
            while (true) {
                double px = rng.nextDouble() * 2 * R_BIG;
                double py = rng.nextDouble() * 2 * R_BIG;
                if (classify(px, py) == goal) {
                    x[i] = px;
                    y[i] = py;
                    l[i] = goal;
                    break;
                }
            }
        }
        return new Points("yinyang-generated-" + n + "-seed" + seed, x, y, l);
    }

    /** {@code n} new samples ({@link #generatePoints}) with the default encoding. */
    public static Dataset generate(int n, long seed) {
        return generatePoints(n, seed).encode(Encoding.defaults());
    }

    /** {@code n} new samples ({@link #generatePoints}) with the given encoding. */
    public static Dataset generate(int n, long seed, Encoding encoding) {
        return generatePoints(n, seed).encode(encoding);
    }
}
