package io.spikegrad.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reader for IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * <p>Format: a big-endian magic number {@code 0x0000TTDD} where {@code TT} is the element type
 * ({@code 0x08} = unsigned byte, the only type supported here) and {@code DD} the number of
 * dimensions; then {@code DD} big-endian 32-bit sizes; then the elements in row-major order. Image
 * files have magic {@link #MAGIC_IMAGES} ({@code [n][rows][cols]} uint8 pixels), label files
 * {@link #MAGIC_LABELS} ({@code [n]} uint8 labels).
 *
 * <p>Compression is detected from the content (gzip magic {@code 1f 8b}), not the file name. Every
 * inconsistency raises an {@link IdxFormatException} naming the file and the problem: a truncated
 * file, a wrong magic number, dimensions that do not match the file's length, trailing bytes, a
 * corrupt gzip stream, labels out of range, or image and label files of different lengths. Memory
 * is never allocated on the word of a header alone: a plain file's length is checked before
 * reading, and a gzip stream's buffer grows only as data actually arrives.
 */
public final class Idx {

    /** Magic number of an unsigned-byte file with 3 dimensions: images {@code [n][rows][cols]}. */
    public static final int MAGIC_IMAGES = 0x00000803;
    /** Magic number of an unsigned-byte file with 1 dimension: labels {@code [n]}. */
    public static final int MAGIC_LABELS = 0x00000801;

    /** Largest payload this reader accepts: what one Java byte array can hold. */
    static final long MAX_PAYLOAD = Integer.MAX_VALUE - 16;

    private Idx() {}

    /** An unsigned-byte IDX array: its dimensions and its elements in row-major order. */
    public static final class Tensor {
        private final int[] dims;
        final byte[] data;

        Tensor(int[] dims, byte[] data) {
            this.dims = dims;
            this.data = data;
        }

        /** A copy of the dimensions, outermost first. */
        public int[] dims() {
            return dims.clone();
        }

        /** Number of dimensions. */
        public int rank() {
            return dims.length;
        }

        /** Size of dimension {@code k}. */
        public int dim(int k) {
            return dims[k];
        }

        /** Number of elements. */
        public int size() {
            return data.length;
        }

        /** Element {@code i} in row-major order, as an unsigned value 0..255. */
        public int get(int i) {
            return data[i] & 0xFF;
        }
    }

    /**
     * Reads an unsigned-byte IDX file of any rank, plain or gzip-compressed.
     *
     * @throws NoSuchFileException   if the file does not exist
     * @throws IdxFormatException    if the file is malformed (message names the file and the problem)
     * @throws IOException           on other read errors
     */
    public static Tensor read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        long fileSize = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                try {
                    return parse(file, new GZIPInputStream(raw, 1 << 16), -1);
                } catch (IdxFormatException e) {
                    throw e;
                } catch (IOException e) {
                    throw new IdxFormatException(file, "corrupt or truncated gzip data ("
                            + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
                }
            }
            return parse(file, raw, fileSize);
        }
    }

    /**
     * Reads an image file: magic {@link #MAGIC_IMAGES}, dimensions {@code [n][rows][cols]} with
     * {@code rows, cols >= 1}.
     */
    public static Tensor readImages(Path file) throws IOException {
        Tensor t = read(file);
        if (t.rank() != 3) {
            throw new IdxFormatException(file, "expected an image file (magic 0x00000803, 3 dimensions [n][rows][cols]), found "
                    + t.rank() + " dimension(s) " + Arrays.toString(t.dims) + String.format(" (magic 0x%08x)", 0x800 | t.rank()));
        }
        if (t.dims[1] < 1 || t.dims[2] < 1) {
            throw new IdxFormatException(file, "image size must be at least 1x1, header says " + t.dims[1] + "x" + t.dims[2]);
        }
        return t;
    }

    /**
     * Reads a label file: magic {@link #MAGIC_LABELS}, dimensions {@code [n]}, every label in
     * {@code [0, classes)}.
     */
    public static Tensor readLabels(Path file, int classes) throws IOException {
        if (classes < 1 || classes > 256) throw new IllegalArgumentException("classes must be in [1, 256], got " + classes);
        Tensor t = read(file);
        if (t.rank() != 1) {
            throw new IdxFormatException(file, "expected a label file (magic 0x00000801, 1 dimension [n]), found "
                    + t.rank() + " dimensions " + Arrays.toString(t.dims) + String.format(" (magic 0x%08x)", 0x800 | t.rank()));
        }
        for (int i = 0; i < t.data.length; i++) {
            int v = t.data[i] & 0xFF;
            if (v >= classes) {
                throw new IdxFormatException(file, "label " + i + " is " + v + ", must be in [0, " + classes + ")");
            }
        }
        return t;
    }

    /**
     * Reads an image file and its label file into an {@link ImageSet}, checking that both hold the
     * same number of samples.
     *
     * @param classes number of classes; every label must be in {@code [0, classes)}
     * @param name    data set name, e.g. {@code "fashion-mnist-train"}
     */
    public static ImageSet readImageSet(Path images, Path labels, int classes, String name) throws IOException {
        Tensor img = readImages(images);
        Tensor lab = readLabels(labels, classes);
        if (img.dims[0] != lab.dims[0]) {
            throw new IdxFormatException(labels, "holds " + lab.dims[0] + " labels but " + images + " holds "
                    + img.dims[0] + " images; the two files must describe the same samples");
        }
        return new ImageSet(name, img.dims[0], img.dims[1], img.dims[2], classes, img.data, lab.data);
    }

    /**
     * Parses header and payload.
     *
     * @param fileSize the plain file's length, or -1 for a compressed stream of unknown length
     */
    private static Tensor parse(Path file, InputStream in, long fileSize) throws IOException {
        byte[] magic = new byte[4];
        int got = readUpTo(in, magic, 0, 4);
        if (got < 4) {
            throw new IdxFormatException(file, "truncated: " + got + " byte(s), not even the 4-byte magic number");
        }
        int m = be32(magic, 0);
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(file, String.format("wrong magic number 0x%08x: an IDX file starts with 0x0000TTDD"
                    + " (0x00000803 for images, 0x00000801 for labels); this is not an IDX file", m));
        }
        int type = magic[2] & 0xFF;
        int rank = magic[3] & 0xFF;
        if (type != 0x08) {
            throw new IdxFormatException(file, String.format("magic number 0x%08x has element type 0x%02x;"
                    + " only 0x08 (unsigned byte, as in MNIST) is supported", m, type));
        }
        if (rank < 1) throw new IdxFormatException(file, String.format("magic number 0x%08x declares 0 dimensions", m));
        byte[] header = new byte[4 * rank];
        got = readUpTo(in, header, 0, header.length);
        long headerBytes = 4L + header.length;
        if (got < header.length) {
            throw new IdxFormatException(file, "truncated inside the header: " + rank + " dimension(s) need "
                    + headerBytes + " header bytes, the file ends after " + (4 + got));
        }
        int[] dims = new int[rank];
        long payload = 1;
        boolean tooLarge = false;
        for (int k = 0; k < rank; k++) {
            dims[k] = be32(header, 4 * k);
            if (dims[k] < 0) {
                throw new IdxFormatException(file, "dimension " + k + " is " + Integer.toUnsignedString(dims[k])
                        + " (negative as a signed 32-bit size); the header is corrupt");
            }
            payload *= dims[k];
            if (payload > MAX_PAYLOAD) tooLarge = true; // dims < 2^31 each, so stop multiplying below
            if (tooLarge) payload = MAX_PAYLOAD + 1;
        }
        if (tooLarge) {
            throw new IdxFormatException(file, "dimensions " + Arrays.toString(dims)
                    + " describe more bytes than one array holds (" + MAX_PAYLOAD + "); the header is corrupt");
        }
        int n = (int) payload;
        if (fileSize >= 0) {
            long have = fileSize - headerBytes;
            if (have < payload) {
                throw new IdxFormatException(file, "truncated: dimensions " + Arrays.toString(dims) + " need " + payload
                        + " data bytes after the " + headerBytes + "-byte header, the file has " + have);
            }
            if (have > payload) {
                throw new IdxFormatException(file, "dimensions " + Arrays.toString(dims) + " need " + payload
                        + " data bytes after the " + headerBytes + "-byte header, but the file has " + have
                        + " (" + (have - payload) + " extra); the header does not match the file length");
            }
            byte[] data = new byte[n];
            got = readUpTo(in, data, 0, n);
            if (got < n) {
                throw new IdxFormatException(file, "truncated while reading: got " + got + " of " + n + " data bytes");
            }
            return new Tensor(dims, data);
        }
        // Compressed: length unknown, so grow the buffer only as data arrives.
        byte[] data = new byte[Math.min(n, 1 << 20)];
        int filled = 0;
        while (filled < n) {
            if (filled == data.length) data = Arrays.copyOf(data, (int) Math.min(n, 2L * data.length));
            int r = in.read(data, filled, data.length - filled);
            if (r < 0) break;
            filled += r;
        }
        if (filled < n) {
            throw new IdxFormatException(file, "truncated: dimensions " + Arrays.toString(dims) + " need " + n
                    + " data bytes after the header, the decompressed data has " + filled);
        }
        long extra = 0;
        byte[] skip = new byte[8192];
        int r;
        while (extra < (1L << 24) && (r = in.read(skip)) >= 0) extra += r;
        if (extra > 0) {
            throw new IdxFormatException(file, "dimensions " + Arrays.toString(dims) + " need " + n
                    + " data bytes after the header, but the decompressed data has " + (extra >= (1L << 24) ? "at least " : "")
                    + extra + " more; the header does not match the file length");
        }
        return new Tensor(dims, data);
    }

    /** Reads until {@code len} bytes or end of stream; returns the count read. */
    private static int readUpTo(InputStream in, byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int r = in.read(b, off + total, len - total);
            if (r < 0) break;
            total += r;
        }
        return total;
    }

    private static int be32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
