package io.spikegrad;

/** Argument checks shared by the public API; messages name the argument and its allowed range. */
public final class Checks {
    private Checks() {}

    public static int positive(String name, int value) {
        if (value < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        return value;
    }

    public static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
        return value;
    }

    public static double finite(String name, double value) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException(name + " must be finite, got " + value);
        return value;
    }

    public static void length(String name, float[] array, long expected, String shape) {
        if (array == null) throw new NullPointerException(name + " must not be null (shape " + shape + ")");
        if (array.length != expected) {
            throw new IllegalArgumentException(name + " must have shape " + shape + " = " + expected
                    + " elements, got " + array.length);
        }
    }
}
