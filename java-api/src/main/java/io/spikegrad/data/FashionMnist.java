package io.spikegrad.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60 000 training and 10 000 test grey-scale images of
 * 28x28 pixels in 10 classes, read from its four IDX files (see {@link Idx}).
 *
 * <p>The data is not shipped with this library. Debian and Ubuntu package it as
 * {@code dataset-fashion-mnist}, which installs
 * {@code /usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz} (the
 * {@link #DEFAULT_DIR}); any other directory with the four files works too. Each file is found
 * under its standard name ({@code train-images-idx3-ubyte} etc.), plain or with {@code .gz}, or
 * under the dotted variant some mirrors use ({@code train-images.idx3-ubyte}).
 *
 * <p>MNIST uses the same file names and format, so {@link #load(Path, boolean, String)} reads an
 * MNIST directory as well.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Number of classes. */
    public static final int CLASSES = 10;

    /** Class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Base names of the four files: train images, train labels, test images, test labels. */
    public static final List<String> FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private FashionMnist() {}

    /** The training set (60 000 images) from {@link #DEFAULT_DIR}. */
    public static ImageSet train() throws IOException {
        return train(DEFAULT_DIR);
    }

    /** The test set (10 000 images) from {@link #DEFAULT_DIR}. */
    public static ImageSet test() throws IOException {
        return test(DEFAULT_DIR);
    }

    /** The training set from {@code dir}. */
    public static ImageSet train(Path dir) throws IOException {
        return load(dir, true, "fashion-mnist-train");
    }

    /** The test set from {@code dir}. */
    public static ImageSet test(Path dir) throws IOException {
        return load(dir, false, "fashion-mnist-test");
    }

    /**
     * Loads the training ({@code train-*}) or test ({@code t10k-*}) part of an (Fashion-)MNIST
     * directory with 10 classes.
     *
     * @throws DataNotFoundException if a file is missing; the message says how to get the data
     * @throws IdxFormatException    if a file is malformed or the two files disagree
     */
    public static ImageSet load(Path dir, boolean train, String name) throws IOException {
        Objects.requireNonNull(dir, "dir");
        String images = FILES.get(train ? 0 : 2);
        String labels = FILES.get(train ? 1 : 3);
        Path imageFile = find(dir, images);
        Path labelFile = find(dir, labels);
        List<String> missing = new ArrayList<>();
        if (imageFile == null) missing.add(images);
        if (labelFile == null) missing.add(labels);
        if (!missing.isEmpty()) throw notFound(dir, missing);
        return Idx.readImageSet(imageFile, labelFile, CLASSES, name);
    }

    /** Whether {@code dir} holds all four files (under any accepted name). */
    public static boolean available(Path dir) {
        for (String f : FILES) {
            if (find(dir, f) == null) return false;
        }
        return true;
    }

    /**
     * The file for base name {@code base} in {@code dir}, trying {@code base}, {@code base.gz}, the
     * dotted variant ({@code train-images.idx3-ubyte}) and its {@code .gz}, in that order; null when
     * none exists.
     */
    public static Path find(Path dir, String base) {
        String dotted = base.replace("-idx", ".idx");
        for (String candidate : new String[] {base, base + ".gz", dotted, dotted + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static DataNotFoundException notFound(Path dir, List<String> missing) {
        StringBuilder b = new StringBuilder("Fashion-MNIST not found: ");
        if (!Files.isDirectory(dir)) {
            b.append("directory ").append(dir).append(" does not exist");
        } else {
            b.append(dir).append(" has no ");
            for (int i = 0; i < missing.size(); i++) b.append(i == 0 ? "" : " and no ").append(missing.get(i)).append("[.gz]");
        }
        b.append(". To get the data, either run `apt-get install dataset-fashion-mnist` (Debian/Ubuntu; it installs the files into ")
                .append(DEFAULT_DIR).append("), or pass --data DIR naming a directory with the four IDX files ")
                .append(String.join(", ", FILES)).append(" (each plain or .gz).");
        return new DataNotFoundException(b.toString());
    }
}
