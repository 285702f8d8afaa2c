package io.spikegrad.reference;

import io.spikegrad.Surrogate;

/**
 * The surrogate spike functions of {@code native/include/spikegrad/surrogate.h}:
 * a smooth step sigma(x) rising from 0 to 1 and its derivative sigma'(x), with
 * x = U - theta and {@code scale} the slope k or the width w.
 *
 * <pre>
 *   kind            sigma(x)                                sigma'(x)
 *   fast sigmoid    (1 + kx/(1+k|x|))/2                     (k/2)/(1+k|x|)^2
 *   sigmoid         s(kx) = 1/(1+exp(-kx))                  k s(kx)(1-s(kx))
 *   arctan          1/2 + atan(kx)/pi                       (k/pi)/(1+(kx)^2)
 *   triangle        r = x/w: 0 (r &lt;= -1), (1+r)^2/2 (r &lt; 0),
 *                   1 - (1-r)^2/2 (r &lt; 1), 1 (r &gt;= 1)        max(0, 1-|x|/w)/w
 *   boxcar          clamp(x/w + 1/2, 0, 1)                  1/w on |x| &lt; w/2, else 0
 *   exponential     e^(kx)/2 (x &lt; 0), 1 - e^(-kx)/2 (x &gt;= 0)  (k/2) exp(-k|x|)
 *   straight-thr.   Heaviside, H(0) = 0                     1
 * </pre>
 *
 * The two-argument forms compute in double; the {@link Precision} forms round every
 * intermediate result as the float code in surrogate.h does, in the same order.
 */
public final class SurrogateRef {
    private SurrogateRef() {}

    /** sigma(x) in double. */
    public static double sigma(Surrogate.Kind kind, double x, double scale) {
        return sigma(kind, x, scale, Precision.DOUBLE);
    }

    /** sigma'(x) in double (without the gain). */
    public static double sigmaPrime(Surrogate.Kind kind, double x, double scale) {
        return sigmaPrime(kind, x, scale, Precision.DOUBLE);
    }

    /** sigma(x) with every intermediate rounded by {@code p}. */
    public static double sigma(Surrogate.Kind kind, double x, double scale, Precision p) {
        double k = scale;
        switch (kind) {
            case FAST_SIGMOID: // (1 + kx/(1+k|x|)) / 2
                return p.r(0.5 * p.r(1.0 + p.r(p.r(k * x) / p.r(1.0 + p.r(k * Math.abs(x))))));
            case SIGMOID: // 1/(1+exp(-kx))
                return p.r(1.0 / p.r(1.0 + p.r(Math.exp(p.r(-k * x)))));
            case ARCTAN: // 1/2 + atan(kx)/pi
                return p.r(0.5 + p.r(p.r(Math.atan(p.r(k * x))) / p.r(Math.PI)));
            case TRIANGLE: {
                double r = p.r(x / scale);
                if (r <= -1.0) return 0.0;
                if (r >= 1.0) return 1.0;
                return r < 0.0
                        ? p.r(p.r(0.5 * p.r(1.0 + r)) * p.r(1.0 + r))          // (1+r)^2/2
                        : p.r(1.0 - p.r(p.r(0.5 * p.r(1.0 - r)) * p.r(1.0 - r))); // 1-(1-r)^2/2
            }
            case BOXCAR: { // clamp(x/w + 1/2, 0, 1)
                double r = p.r(p.r(x / scale) + 0.5);
                return r < 0.0 ? 0.0 : (r > 1.0 ? 1.0 : r);
            }
            case EXPONENTIAL: // Laplace CDF
                return x < 0.0
                        ? p.r(0.5 * p.r(Math.exp(p.r(k * x))))
                        : p.r(1.0 - p.r(0.5 * p.r(Math.exp(p.r(-k * x)))));
            case STRAIGHT_THROUGH: // no smooth form: the Heaviside, H(0) = 0
            default:
                return x > 0.0 ? 1.0 : 0.0;
        }
    }

    /** sigma'(x) (without the gain) with every intermediate rounded by {@code p}. */
    public static double sigmaPrime(Surrogate.Kind kind, double x, double scale, Precision p) {
        double k = scale;
        switch (kind) {
            case FAST_SIGMOID: { // (k/2)/(1+k|x|)^2
                double d = p.r(1.0 + p.r(k * Math.abs(x)));
                return p.r(p.r(0.5 * k) / p.r(d * d));
            }
            case SIGMOID: { // k s (1-s), s = s(kx)
                double s = p.r(1.0 / p.r(1.0 + p.r(Math.exp(p.r(-k * x)))));
                return p.r(p.r(k * s) * p.r(1.0 - s));
            }
            case ARCTAN: { // (k/pi)/(1+(kx)^2)
                double kx = p.r(k * x);
                return p.r(p.r(k / p.r(Math.PI)) / p.r(1.0 + p.r(kx * kx)));
            }
            case TRIANGLE: { // max(0, 1-|x|/w)/w
                double r = p.r(1.0 - p.r(Math.abs(x) / scale));
                return r > 0.0 ? p.r(r / scale) : 0.0;
            }
            case BOXCAR: // 1/w on |x| < w/2
                return Math.abs(x) < p.r(0.5 * scale) ? p.r(1.0 / scale) : 0.0;
            case EXPONENTIAL: // (k/2) exp(-k|x|)
                return p.r(p.r(0.5 * k) * p.r(Math.exp(p.r(-k * Math.abs(x)))));
            case STRAIGHT_THROUGH:
            default:
                return 1.0;
        }
    }
}
