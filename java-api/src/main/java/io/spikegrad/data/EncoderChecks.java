package io.spikegrad.data;

/** Argument checks shared by the encoders. */
final class EncoderChecks {
    private EncoderChecks() {}

    /** Every value finite and in [0, 1]; message names the first offending index. */
    static void unitInterval(float[] values) {
        if (values == null) throw new NullPointerException("values must not be null");
        if (values.length == 0) throw new IllegalArgumentException("values must have at least one channel");
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("values[" + i + "] must be in [0, 1], got " + v);
            }
        }
    }

    static double nonNegative(String name, double v) {
        if (!Double.isFinite(v) || v < 0) throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        return v;
    }

    static double positive(String name, double v) {
        if (!Double.isFinite(v) || !(v > 0)) throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        return v;
    }

    static int positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        return v;
    }

    /** {@code dst[offset .. offset + length)} lies inside dst. */
    static void range(String name, float[] dst, long offset, long length) {
        if (dst == null) throw new NullPointerException(name + " must not be null");
        if (offset < 0 || offset + length > dst.length) {
            throw new IllegalArgumentException(name + " has " + dst.length + " elements; writing " + length
                    + " from offset " + offset + " does not fit");
        }
    }
}
