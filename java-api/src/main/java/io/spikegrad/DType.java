package io.spikegrad;

/**
 * Element type of a {@link Tensor}. Spikes of hidden layers travel as {@link #U8} (one byte
 * per neuron-step, value 0 or 1), everything else as {@link #F32}.
 */
public enum DType {
    /** IEEE float32; the native kernels' {@code float}. */
    F32(4),
    /** Unsigned byte; the native kernels' {@code uint8_t} (spike rasters: 0 or 1). */
    U8(1),
    /**
     * One bit per element, for spike rasters: each row of the last dimension is packed
     * little-endian into 32-bit words and starts on a word boundary, so a [T][B][N] raster
     * takes T*B*ceil(N/32)*4 bytes (sg_defs.h, {@code SG_BIT}). Consumers walk the set bits.
     */
    BIT(0);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element; 0 for {@link #BIT}, whose storage is {@link #storageBytes}. */
    public int bytes() { return bytes; }

    /** Bytes a tensor of {@code size} elements whose last dimension is {@code rowLength} takes. */
    public long storageBytes(long size, int rowLength) {
        if (this != BIT) return size * bytes;
        return size / rowLength * wordsPerRow(rowLength) * 4L;
    }

    /** 32-bit words per row of a {@link #BIT} tensor. */
    public static int wordsPerRow(int rowLength) { return (rowLength + 31) / 32; }

    /** The code native kernels use for this type (sg_defs.h, {@code enum sg_dtype}). */
    public int code() { return ordinal(); }
}
