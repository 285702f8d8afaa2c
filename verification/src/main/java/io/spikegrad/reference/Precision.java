package io.spikegrad.reference;

/**
 * The arithmetic the reference emulates. Every input and every arithmetic result in the
 * reference kernels is passed through {@link #r(double)}, so one code path computes
 * both "ref64" ({@link #DOUBLE}) and "ref32" ({@link #FLOAT}, float32 emulation).
 *
 * <p>The parity tests earn their tolerance from the two (DESIGN.md, verification):
 * {@code |native - ref64| <= 2*|ref32 - ref64| + atol}.
 *
 * <p>For {@code +, -, *, /} on float operands, computing in double and rounding once
 * to float gives the correctly rounded float result (double has more than 2*24+2
 * significand bits), so {@link #FLOAT} reproduces IEEE float arithmetic for these
 * operations exactly; {@code exp} and {@code atan} round the double result to float,
 * which is within an ulp of what a C library's {@code expf}/{@code atanf} returns.
 */
public enum Precision {
    /** Plain double arithmetic: {@code r} is the identity. */
    DOUBLE,
    /** float32 emulation: {@code r(x) = (double) (float) x}. */
    FLOAT;

    /** Rounds {@code x} to this precision (round to nearest even). */
    public double r(double x) {
        return this == FLOAT ? (double) (float) x : x;
    }

    /** A rounded copy of {@code a} (inputs are rounded on entry). */
    double[] r(double[] a) {
        double[] out = new double[a.length];
        for (int k = 0; k < a.length; k++) out[k] = r(a[k]);
        return out;
    }
}
