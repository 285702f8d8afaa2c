package io.spikegrad.reference;

/** Argument checks of the reference kernels; messages name the argument and its shape. */
final class Inputs {
    private Inputs() {}

    /**
     * Checks that {@code a} is non-null with {@code expected} elements and returns a copy
     * rounded by {@code p} (inputs are rounded on entry).
     *
     * @param shape e.g. {@code "[T][B][N] = [6][2][3]"}
     */
    static double[] rounded(String name, double[] a, long expected, String shape, Precision p) {
        if (a == null) throw new NullPointerException(name + " must not be null (shape " + shape + ")");
        return p.r(checked(name, a, expected, shape));
    }

    /** Like {@link #rounded} but null passes through as null (optional arguments). */
    static double[] roundedOrNull(String name, double[] a, long expected, String shape, Precision p) {
        return a == null ? null : rounded(name, a, expected, shape, p);
    }

    static double[] checked(String name, double[] a, long expected, String shape) {
        if (a == null) throw new NullPointerException(name + " must not be null (shape " + shape + ")");
        if (a.length != expected) {
            throw new IllegalArgumentException(name + " must have shape " + shape + " = " + expected
                    + " elements, got " + a.length);
        }
        return a;
    }

    static String tbn(int t, int b, int n) { return "[T][B][N] = [" + t + "][" + b + "][" + n + "]"; }

    static String bn(int b, int n) { return "[B][N] = [" + b + "][" + n + "]"; }

    static String nn(int n) { return "[N][N] = [" + n + "][" + n + "]"; }

    static String n(int n) { return "[N] = [" + n + "]"; }
}
