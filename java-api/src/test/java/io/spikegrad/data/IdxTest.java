package io.spikegrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    /** The bytes of an IDX file: magic, dims (big-endian), data. */
    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(plain);
        }
        return bytes.toByteArray();
    }

    static byte[] pixels(int n, int rows, int cols) {
        byte[] p = new byte[n * rows * cols];
        for (int i = 0; i < p.length; i++) p[i] = (byte) (i * 37 + 11);
        p[0] = 0;
        p[1] = (byte) 255;
        return p;
    }

    /** Writes the four files of a tiny 3-train / 2-test set of 2x4 images. */
    private void writeSet(Path d, boolean gz, boolean dotted) throws IOException {
        Files.createDirectories(d);
        write(d, name("train-images-idx3-ubyte", gz, dotted), idx(0x803, new int[] {3, 2, 4}, pixels(3, 2, 4)), gz);
        write(d, name("train-labels-idx1-ubyte", gz, dotted), idx(0x801, new int[] {3}, new byte[] {9, 0, 4}), gz);
        write(d, name("t10k-images-idx3-ubyte", gz, dotted), idx(0x803, new int[] {2, 2, 4}, pixels(2, 2, 4)), gz);
        write(d, name("t10k-labels-idx1-ubyte", gz, dotted), idx(0x801, new int[] {2}, new byte[] {1, 2}), gz);
    }

    private static String name(String base, boolean gz, boolean dotted) {
        return (dotted ? base.replace("-idx", ".idx") : base) + (gz ? ".gz" : "");
    }

    private static Path write(Path d, String name, byte[] content, boolean gz) throws IOException {
        return Files.write(d.resolve(name), gz ? gzip(content) : content);
    }

    private void checkTinySet(Path d) throws IOException {
        assertTrue(FashionMnist.available(d));
        ImageSet train = FashionMnist.train(d);
        assertEquals(3, train.size());
        assertEquals(2, train.rows());
        assertEquals(4, train.cols());
        assertEquals(8, train.features());
        assertEquals(10, train.classes());
        assertEquals(9, train.label(0));
        assertEquals(4, train.label(2));
        assertArrayEquals(Arrays.copyOfRange(pixels(3, 2, 4), 8, 16), train.rawPixels(1));
        float[] img = train.pixels(0);
        assertEquals(0f, img[0]);
        assertEquals(1f, img[1]);
        for (float v : train.pixels(2)) assertTrue(v >= 0 && v <= 1);
        assertEquals((pixels(3, 2, 4)[2 * 8 + 1 * 4 + 3] & 0xFF), train.rawPixel(2, 1, 3));
        assertEquals(train.rawPixel(2, 1, 3) / 255f, train.pixels(2)[7], 1e-7);
        ImageSet test = FashionMnist.test(d);
        assertEquals(2, test.size());
        assertEquals(2, test.label(1));
    }

    @Test
    void readsPlainFiles() throws IOException {
        writeSet(dir, false, false);
        checkTinySet(dir);
    }

    @Test
    void readsGzipFiles() throws IOException {
        writeSet(dir, true, false);
        checkTinySet(dir);
    }

    @Test
    void readsTheDottedNamesOfSomeMirrors() throws IOException {
        writeSet(dir, true, true);
        checkTinySet(dir);
    }

    @Test
    void missingDataSaysHowToGetIt() throws IOException {
        var none = assertThrows(DataNotFoundException.class, () -> FashionMnist.train(dir.resolve("nowhere")));
        assertTrue(none.getMessage().contains("apt-get install dataset-fashion-mnist"), none.getMessage());
        assertTrue(none.getMessage().contains("--data DIR"), none.getMessage());
        assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
        assertTrue(none instanceof IOException);

        write(dir, "t10k-images-idx3-ubyte", idx(0x803, new int[] {1, 1, 1}, new byte[1]), false);
        var half = assertThrows(DataNotFoundException.class, () -> FashionMnist.test(dir));
        assertTrue(half.getMessage().contains("t10k-labels-idx1-ubyte"), half.getMessage());
        assertTrue(!half.getMessage().contains("no t10k-images"), half.getMessage());
        assertTrue(!FashionMnist.available(dir));
    }

    @Test
    void imagesAndLabelsInAnImageSetToDataset() throws IOException {
        writeSet(dir, false, false);
        ImageSet train = FashionMnist.train(dir);
        Dataset d = train.toDataset(new LinearLatencyEncoder(0.0, 0.01, 0.0));
        assertEquals(3, d.size());
        assertEquals(8, d.channels());
        assertEquals(10, d.classes());
        assertEquals(9, d.label(0));
        assertEquals(7, d.get(0).events().size(), "the zero pixel sends no spike");
        assertEquals(0.0, d.get(0).events().time(0), 1e-12, "the 255 pixel fires first, at tMin");
        assertArrayEquals(train.shuffledOrder(3, 4), Dataset.shuffledOrder(3, 3, 4));
    }

    private IdxFormatException badImages(String name, byte[] content, boolean gz) throws IOException {
        Path f = write(dir, name, content, gz);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
        assertEquals(f, e.file());
        return e;
    }

    @Test
    void truncatedFilesAreReported() throws IOException {
        byte[] full = idx(0x803, new int[] {3, 2, 4}, pixels(3, 2, 4));
        for (boolean gz : new boolean[] {false, true}) {
            String sfx = gz ? ".gz" : "";
            var data = badImages("cut-data" + sfx, Arrays.copyOf(full, full.length - 5), gz);
            assertTrue(data.getMessage().contains("truncated"), data.getMessage());
            var head = badImages("cut-header" + sfx, Arrays.copyOf(full, 10), gz);
            assertTrue(head.getMessage().contains("truncated inside the header"), head.getMessage());
            var magic = badImages("cut-magic" + sfx, Arrays.copyOf(full, 3), gz);
            assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
            badImages("empty" + sfx, new byte[0], gz);
        }
        // a gzip stream cut short (not a valid gzip file any more)
        byte[] gz = gzip(idx(0x803, new int[] {50, 20, 20}, pixels(50, 20, 20)));
        var cut = badImages("cut-stream.gz", Arrays.copyOf(gz, gz.length / 2), false);
        assertTrue(cut.getMessage().contains("gzip"), cut.getMessage());
        var trailer = badImages("no-trailer.gz", Arrays.copyOf(gz, gz.length - 4), false);
        assertTrue(trailer.getMessage().contains("gzip"), trailer.getMessage());
        byte[] corrupt = gz.clone();
        for (int i = 20; i < 60; i++) corrupt[i] ^= 0x5A;
        badImages("corrupt-stream.gz", corrupt, false);
    }

    @Test
    void wrongMagicNumbersAreReported() throws IOException {
        var notIdx = badImages("not-idx", "P5 28 28 255 not an idx file".getBytes(), false);
        assertTrue(notIdx.getMessage().contains("wrong magic number 0x50352032"), notIdx.getMessage());
        var type = badImages("float-idx", idx(0x0D03, new int[] {1, 1, 1}, new byte[4]), false);
        assertTrue(type.getMessage().contains("element type 0x0d"), type.getMessage());
        var labelsAsImages = badImages("labels", idx(0x801, new int[] {3}, new byte[3]), false);
        assertTrue(labelsAsImages.getMessage().contains("expected an image file"), labelsAsImages.getMessage());

        Path img = write(dir, "images", idx(0x803, new int[] {1, 2, 2}, new byte[4]), false);
        var imagesAsLabels = assertThrows(IdxFormatException.class, () -> Idx.readLabels(img, 10));
        assertTrue(imagesAsLabels.getMessage().contains("expected a label file"), imagesAsLabels.getMessage());
    }

    @Test
    void dimensionsThatDoNotMatchTheLengthAreReported() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            String sfx = gz ? ".gz" : "";
            var extra = badImages("extra" + sfx, idx(0x803, new int[] {2, 2, 2}, new byte[9]), gz);
            assertTrue(extra.getMessage().contains("does not match the file length"), extra.getMessage());
            var fewer = badImages("fewer" + sfx, idx(0x803, new int[] {3, 2, 2}, new byte[9]), gz);
            assertTrue(fewer.getMessage().contains("truncated"), fewer.getMessage());
            // a header that claims ~2^90 bytes must fail fast, not allocate
            var huge = badImages("huge" + sfx, idx(0x803, new int[] {2_000_000_000, 2_000_000_000, 2_000_000_000}, new byte[16]), gz);
            assertTrue(huge.getMessage().contains("more bytes than one array holds"), huge.getMessage());
            // ~1.9 GB claimed with 16 bytes present: refused before allocating
            var big = badImages("big" + sfx, idx(0x803, new int[] {60_000, 180, 180}, new byte[16]), gz);
            assertTrue(big.getMessage().contains("truncated"), big.getMessage());
            var negative = badImages("negative" + sfx, idx(0x803, new int[] {-1, 28, 28}, new byte[16]), gz);
            assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
            var zero = badImages("zero-size" + sfx, idx(0x803, new int[] {1, 0, 28}, new byte[0]), gz);
            assertTrue(zero.getMessage().contains("at least 1x1"), zero.getMessage());
        }
    }

    @Test
    void labelsOutOfRangeAndCountMismatchAreReported() throws IOException {
        Path images = write(dir, "train-images-idx3-ubyte", idx(0x803, new int[] {3, 1, 2}, new byte[6]), false);
        Path labels = write(dir, "train-labels-idx1-ubyte.gz", idx(0x801, new int[] {3}, new byte[] {1, 10, 2}), true);
        var range = assertThrows(IdxFormatException.class, () -> FashionMnist.train(dir));
        assertTrue(range.getMessage().contains(labels.toString()), range.getMessage());
        assertTrue(range.getMessage().contains("label 1 is 10, must be in [0, 10)"), range.getMessage());
        var signed = assertThrows(IdxFormatException.class,
                () -> Idx.readLabels(write(dir, "l255", idx(0x801, new int[] {1}, new byte[] {(byte) 255}), false), 10));
        assertTrue(signed.getMessage().contains("is 255"), signed.getMessage());

        write(dir, "train-labels-idx1-ubyte.gz", idx(0x801, new int[] {2}, new byte[] {1, 2}), true);
        var count = assertThrows(IdxFormatException.class, () -> FashionMnist.train(dir));
        assertTrue(count.getMessage().contains("2 labels") && count.getMessage().contains("3 images")
                && count.getMessage().contains(images.toString()), count.getMessage());
    }

    @Test
    void readsAnyRankOfUnsignedBytes() throws IOException {
        Path f = write(dir, "t4", idx(0x804, new int[] {1, 2, 1, 2}, new byte[] {1, 2, 3, (byte) 200}), false);
        Idx.Tensor t = Idx.read(f);
        assertEquals(4, t.rank());
        assertArrayEquals(new int[] {1, 2, 1, 2}, t.dims());
        assertEquals(200, t.get(3));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Idx.read(dir.resolve("absent")));
    }

    /**
     * The real data set, when present: the Debian package's directory, or the one named by the
     * system property {@code spikegrad.fashionMnist.dir}. Skipped otherwise.
     */
    @Test
    void realFashionMnistWhenInstalled() throws IOException {
        Path d = Path.of(System.getProperty("spikegrad.fashionMnist.dir", FashionMnist.DEFAULT_DIR.toString()));
        assumeTrue(FashionMnist.available(d), "Fashion-MNIST not installed in " + d);
        ImageSet train = FashionMnist.train(d);
        ImageSet test = FashionMnist.test(d);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        for (int c : train.classCounts()) assertEquals(6000, c);
        for (int c : test.classCounts()) assertEquals(1000, c);
        assertEquals(9, train.label(0), "the first training image is an ankle boot");
    }
}
