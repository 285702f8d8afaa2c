package io.spikegrad;

import java.util.Objects;

/**
 * A surrogate spike derivative: the backward pass uses dS/dU := gain * sigma'(U - theta),
 * where sigma is a smooth step from 0 to 1 (so sigma' integrates to 1). See DESIGN.md.
 *
 * <p>{@code scale} is the slope k (per volt of membrane, in threshold units) for
 * fast sigmoid, sigmoid, arctan and exponential, and the width w (same units as the
 * membrane) for triangle and boxcar; straight-through ignores it. {@code gain}
 * multiplies sigma' and defaults to 1. To match snnTorch's fast sigmoid
 * 1/(1+k|x|)^2, use {@code fastSigmoid(k).withGain(2/k)}.
 *
 * @param kind  which sigma
 * @param scale slope k or width w, finite and &gt; 0
 * @param gain  factor on sigma', finite and &gt; 0
 */
public record Surrogate(Kind kind, double scale, double gain) {

    /** The surrogate families; {@link #code()} is the {@code sg_surrogate} constant. */
    public enum Kind {
        FAST_SIGMOID(0, "slope"),
        SIGMOID(1, "slope"),
        ARCTAN(2, "slope"),
        TRIANGLE(3, "width"),
        BOXCAR(4, "width"),
        EXPONENTIAL(5, "slope"),
        STRAIGHT_THROUGH(6, "unused");

        private final int code;
        private final String scaleName;

        Kind(int code, String scaleName) {
            this.code = code;
            this.scaleName = scaleName;
        }

        public int code() { return code; }

        /** "slope" or "width": what {@link Surrogate#scale()} means for this kind. */
        public String scaleName() { return scaleName; }

        /** Whether a smooth forward (sigma instead of the Heaviside) exists for this kind. */
        public boolean hasSmoothForm() { return this != STRAIGHT_THROUGH; }
    }

    public Surrogate {
        Objects.requireNonNull(kind, "kind");
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("surrogate " + kind.scaleName() + " (scale) must be finite and > 0, got " + scale);
        }
        if (!(gain > 0) || Double.isInfinite(gain)) {
            throw new IllegalArgumentException("surrogate gain must be finite and > 0, got " + gain);
        }
    }

    /** SuperSpike fast sigmoid, sigma' = (k/2)/(1+k|x|)^2. */
    public static Surrogate fastSigmoid(double slope) { return new Surrogate(Kind.FAST_SIGMOID, slope, 1.0); }

    /** Logistic sigmoid, sigma' = k s(kx)(1-s(kx)). */
    public static Surrogate sigmoid(double slope) { return new Surrogate(Kind.SIGMOID, slope, 1.0); }

    /** Arctan, sigma' = (k/pi)/(1+(kx)^2). */
    public static Surrogate arctan(double slope) { return new Surrogate(Kind.ARCTAN, slope, 1.0); }

    /** Triangle of half-width w, sigma' = max(0, 1-|x|/w)/w. */
    public static Surrogate triangle(double width) { return new Surrogate(Kind.TRIANGLE, width, 1.0); }

    /** Boxcar of width w, sigma' = 1/w on |x| &lt; w/2. */
    public static Surrogate boxcar(double width) { return new Surrogate(Kind.BOXCAR, width, 1.0); }

    /** Laplace density, sigma' = (k/2) exp(-k|x|). */
    public static Surrogate exponential(double slope) { return new Surrogate(Kind.EXPONENTIAL, slope, 1.0); }

    /** Straight-through, sigma' = 1 (no smooth mode). */
    public static Surrogate straightThrough() { return new Surrogate(Kind.STRAIGHT_THROUGH, 1.0, 1.0); }

    /** The same surrogate with another gain. */
    public Surrogate withGain(double newGain) { return new Surrogate(kind, scale, newGain); }
}
