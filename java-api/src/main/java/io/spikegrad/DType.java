package io.spikegrad;

/**
 * Element type of a {@link Tensor}. Spikes of hidden layers travel as {@link #U8} (one byte
 * per neuron-step, value 0 or 1), everything else as {@link #F32}.
 */
public enum DType {
    /** IEEE float32; the native kernels' {@code float}. */
    F32(4),
    /** Unsigned byte; the native kernels' {@code uint8_t} (spike rasters: 0 or 1). */
    U8(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() { return bytes; }

    /** The code native kernels use for this type (sg_defs.h, {@code enum sg_dtype}). */
    public int code() { return ordinal(); }
}
